//! The core's layout rules, checked over its source: no import cycles between modules, the
//! `Library` facade only under `src/library/`, and SQL only under `src/db/`.
//!
//! The dependency graph is built from the paths the code names (`use crate::…`, `crate::…`
//! and `super::…` in expressions, and a `mod.rs` naming its own children). Nodes are the
//! top-level modules, and the submodules of `db`, `sources` and `interop` on their own
//! (each of those is a family of peers where one leaning on another should be visible).
//! `lib.rs` is the crate's front door, not a node: a path through one of its re-exports
//! (`crate::Library`) counts as a path to the module that defines the item.
//!
//! Code inside `#[cfg(test)]` modules is left out: a unit test may reach across modules to
//! set up a case (a table filled by hand, a helper of another module), and that is not part
//! of the shipped structure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules whose submodules are nodes of their own.
const SPLIT: &[&str] = &["db", "sources", "interop"];

/// Words that start or mark an SQL statement, as this code writes them (upper case).
const SQL_WORDS: &[&str] = &[
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    "DELETE FROM",
    "CREATE ",
    "DROP ",
    "ALTER TABLE",
    "PRAGMA",
    "REPLACE INTO",
];

/// A source file: its module path, its code with comments and literals blanked, and its
/// string literals (with their offset in that code).
struct Source {
    rel: String,
    module: Vec<String>,
    code: String,
    strings: Vec<(usize, String)>,
}

/// Splits Rust source into code (comments dropped, each string literal replaced by `""`,
/// each char literal by `' '`) and the string literals' contents.
fn lex(src: &str) -> (String, Vec<(usize, String)>) {
    let c: Vec<char> = src.chars().collect();
    let mut code = String::with_capacity(src.len());
    let mut strings = Vec::new();
    let mut i = 0;
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let ch = c[i];
        let prev_ident = i > 0 && ident(c[i - 1]);
        if ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            code.push(' ');
        } else if !prev_ident && (ch == 'r' || (ch == 'b' && c.get(i + 1) == Some(&'r'))) && {
            let mut j = i + if ch == 'b' { 2 } else { 1 };
            while c.get(j) == Some(&'#') {
                j += 1;
            }
            c.get(j) == Some(&'"')
        } {
            // Raw string: r"…", r#"…"#, br"…".
            let mut j = i + if ch == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while c[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            let start = j;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                    break;
                }
                j += 1;
            }
            strings.push((code.len(), c[start..j.min(c.len())].iter().collect()));
            code.push_str("\"\"");
            i = j + 1 + hashes;
        } else if ch == '"' {
            let mut j = i + 1;
            let mut s = String::new();
            while j < c.len() && c[j] != '"' {
                if c[j] == '\\' {
                    j += 1;
                    // A line continuation: the newline and leading spaces are not in the text.
                    if c.get(j) == Some(&'\n') {
                        while j + 1 < c.len() && c[j + 1].is_whitespace() {
                            j += 1;
                        }
                        s.push(' ');
                    } else if let Some(&e) = c.get(j) {
                        s.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                } else {
                    s.push(c[j]);
                }
                j += 1;
            }
            strings.push((code.len(), s));
            code.push_str("\"\"");
            i = j + 1;
        } else if ch == '\'' {
            // A char literal ('x', '\n', '\u{1F600}', '{') or a lifetime ('a).
            if c.get(i + 1) == Some(&'\\') {
                let mut j = i + 2;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                code.push_str("' '");
                i = j + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                code.push_str("' '");
                i += 3;
            } else {
                code.push('\'');
                i += 1;
            }
        } else {
            code.push(ch);
            i += 1;
        }
    }
    (code, strings)
}

/// Byte ranges of `code` taken by `#[cfg(test)] mod name { … }` blocks.
fn test_modules(code: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(test)]") {
        let start = from + at;
        let rest = &code[start + "#[cfg(test)]".len()..];
        let trimmed = rest.trim_start();
        let after_attr = start + "#[cfg(test)]".len() + (rest.len() - trimmed.len());
        from = after_attr;
        let is_mod = trimmed.starts_with("mod ") || trimmed.starts_with("pub(crate) mod ");
        if !is_mod {
            continue;
        }
        let Some(open) = code[after_attr..].find(['{', ';']) else {
            continue;
        };
        let open = after_attr + open;
        if code.as_bytes()[open] == b';' {
            continue;
        }
        let mut depth = 0;
        let mut end = code.len();
        for (k, b) in code.bytes().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((start, end));
        from = end;
    }
    out
}

/// The code with test modules blanked out.
fn without_tests(code: &str) -> String {
    let mut out = code.to_string();
    for (a, b) in test_modules(code) {
        out.replace_range(a..b, &" ".repeat(b - a));
    }
    out
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// Parses a use tree (`a::b`, `a::{b, c::d}`, `a::*`, `a as b`) at the start of `s`; returns
/// each path it names (a trailing `self` names the path before it) with its alias, if any.
fn use_tree(s: &str) -> Vec<(Vec<String>, Option<String>)> {
    fn skip_ws(s: &[char], i: &mut usize) {
        while *i < s.len() && s[*i].is_whitespace() {
            *i += 1;
        }
    }
    fn ident(s: &[char], i: &mut usize) -> Option<String> {
        skip_ws(s, i);
        let start = *i;
        while *i < s.len() && is_ident(s[*i]) {
            *i += 1;
        }
        (*i > start).then(|| s[start..*i].iter().collect())
    }
    fn tree(
        s: &[char],
        i: &mut usize,
        prefix: &[String],
        out: &mut Vec<(Vec<String>, Option<String>)>,
    ) {
        let mut path = prefix.to_vec();
        loop {
            skip_ws(s, i);
            if s.get(*i) == Some(&'{') {
                *i += 1;
                loop {
                    skip_ws(s, i);
                    if s.get(*i) == Some(&'}') {
                        *i += 1;
                        break;
                    }
                    tree(s, i, &path, out);
                    skip_ws(s, i);
                    match s.get(*i) {
                        Some(',') => *i += 1,
                        Some('}') => {
                            *i += 1;
                            break;
                        }
                        _ => return,
                    }
                }
                return;
            }
            if s.get(*i) == Some(&'*') {
                *i += 1;
                out.push((path, None));
                return;
            }
            let Some(seg) = ident(s, i) else {
                out.push((path, None));
                return;
            };
            if seg != "self" {
                path.push(seg);
            }
            skip_ws(s, i);
            if s.get(*i) == Some(&':') && s.get(*i + 1) == Some(&':') {
                *i += 2;
                continue;
            }
            let save = *i;
            let alias = match ident(s, i) {
                Some(kw) if kw == "as" => ident(s, i),
                _ => {
                    *i = save;
                    None
                }
            };
            out.push((path, alias));
            return;
        }
    }
    let chars: Vec<char> = s.chars().take(4000).collect();
    let mut out = Vec::new();
    let mut i = 0;
    tree(&chars, &mut i, &[], &mut out);
    out
}

/// Every place `code` names `prefix` (`crate::`, `super::`, or a child module's name) as the
/// start of a path, with the paths named there.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        let before = code[..start].chars().next_back();
        // `$crate` in a macro, `foo::crate`, or an identifier that merely ends in the prefix.
        if before.is_some_and(|b| is_ident(b) || b == '$' || b == ':') {
            continue;
        }
        for (path, _) in use_tree(&code[from..]) {
            out.push(path);
        }
    }
    out
}

/// Reads every `.rs` file under `src/`.
fn sources(root: &Path) -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = root.join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap();
            let mut module: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            let (code, strings) = lex(&std::fs::read_to_string(&path).unwrap());
            Source {
                rel: rel.to_string_lossy().replace('\\', "/"),
                module,
                code,
                strings,
            }
        })
        .collect()
}

/// The graph node a crate-absolute module path belongs to, given the crate's modules.
fn node_of(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<String> {
    let first = path.first()?;
    if !modules.contains(&vec![first.clone()]) {
        return None;
    }
    if SPLIT.contains(&first.as_str()) {
        if let Some(second) = path.get(1) {
            if modules.contains(&vec![first.clone(), second.clone()]) {
                return Some(format!("{first}::{second}"));
            }
        }
    }
    Some(first.clone())
}

/// The module dependency graph of the crate at `root`: node → nodes it names.
fn graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = sources(root);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    // Names the crate root re-exports, to where they come from (`crate::Library` is `library`).
    let mut reexports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let lib = files.iter().find(|f| f.module.is_empty()).unwrap();
    let mut from = 0;
    while let Some(at) = lib.code[from..].find("pub use ") {
        from += at + "pub use ".len();
        for (path, alias) in use_tree(&lib.code[from..]) {
            if let Some(name) = alias.or_else(|| path.last().cloned()) {
                reexports.insert(name, path);
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(me) = node_of(&file.module, &modules) else {
            continue; // lib.rs
        };
        graph.entry(me.clone()).or_default();
        let code = without_tests(&file.code);
        let mut targets = Vec::new();
        for mut path in paths_after(&code, "crate::") {
            if path.len() == 1 || !modules.contains(&vec![path[0].clone()]) {
                if let Some(real) = path.first().and_then(|n| reexports.get(n)) {
                    path = real.clone();
                }
            }
            targets.push(path);
        }
        // `super::` at a file's top level names its parent module's items.
        if let Some((_, parent)) = file.module.split_last() {
            for path in paths_after(&code, "super::") {
                let mut full = parent.to_vec();
                full.extend(path);
                targets.push(full);
            }
        }
        // A module naming its own children (`works::upsert` in `db/mod.rs`).
        for child in modules
            .iter()
            .filter(|m| m.len() == file.module.len() + 1 && m.starts_with(&file.module))
        {
            let name = child.last().unwrap();
            for path in paths_after(&code, &format!("{name}::")) {
                let mut full = child.clone();
                full.extend(path);
                targets.push(full);
            }
        }
        for t in targets {
            if let Some(n) = node_of(&t, &modules) {
                if n != me {
                    graph.entry(me.clone()).or_default().insert(n);
                }
            }
        }
    }
    graph
}

/// The strongly connected components that hold a cycle, each with one cycle through it.
#[allow(clippy::type_complexity)]
fn components(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<(BTreeSet<String>, Vec<String>)> {
    // Tarjan's strongly connected components, then one concrete cycle inside each.
    struct Tarjan<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        components: Vec<Vec<&'a str>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            self.index.insert(v, self.next);
            self.low.insert(v, self.next);
            self.next += 1;
            self.stack.push(v);
            self.on_stack.insert(v);
            let graph = self.graph;
            for w in graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                self.components.push(comp);
            }
        }
    }
    let mut t = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        components: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.components
        .into_iter()
        .map(|comp| {
            comp.into_iter()
                .map(str::to_string)
                .collect::<BTreeSet<_>>()
        })
        .filter(|members| {
            let first = members.iter().next().unwrap();
            members.len() > 1 || graph.get(first).is_some_and(|s| s.contains(first))
        })
        .map(|members| {
            let cycle = cycle_in(graph, &members);
            (members, cycle)
        })
        .collect()
}

/// One cycle through the first member of a strongly connected component: the shortest way
/// from it back to itself inside the component (breadth first).
fn cycle_in(graph: &BTreeMap<String, BTreeSet<String>>, members: &BTreeSet<String>) -> Vec<String> {
    let start = members.iter().next().unwrap().as_str();
    let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut last = None;
    'search: while let Some(v) = queue.pop_front() {
        for w in graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !members.contains(w) {
                continue;
            }
            if w == start {
                last = Some(v);
                break 'search;
            }
            if !prev.contains_key(w) {
                prev.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    let mut v = last.expect("a strongly connected component has a cycle");
    let mut cycle = vec![start.to_string()];
    while v != start {
        cycle.push(v.to_string());
        v = prev[v];
    }
    cycle.push(start.to_string());
    cycle.reverse();
    cycle
}

/// Every cycle, one per strongly connected component (of more than one node, or a node
/// naming itself), as a path that starts and ends at the same node.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    components(graph).into_iter().map(|(_, c)| c).collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn core_modules_have_no_import_cycles() {
    let graph = graph(&root());
    // The graph is not empty: a parser gone blind would pass any layout.
    assert!(graph
        .get("library")
        .is_some_and(|d| d.contains("db::works")));
    let found = components(&graph);
    let shown: Vec<String> = found
        .iter()
        .map(|(members, cycle)| format!("{} (all of {members:?})", cycle.join(" -> ")))
        .collect();
    assert!(
        found.is_empty(),
        "import cycles between core modules:\n  {}",
        shown.join("\n  ")
    );
}

#[test]
fn impl_library_lives_under_src_library() {
    let mut outside = Vec::new();
    for file in sources(&root()) {
        let code = without_tests(&file.code);
        let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
        let hit = [
            "impl Library",
            "impl crate::Library",
            "impl crate::library::Library",
        ]
        .iter()
        .any(|p| {
            flat.match_indices(p)
                .any(|(at, _)| !flat[at + p.len()..].starts_with(|c: char| is_ident(c)))
        });
        if hit && !file.rel.starts_with("library/") {
            outside.push(file.rel);
        }
    }
    assert!(
        outside.is_empty(),
        "`impl Library` outside src/library/: {outside:?}"
    );
}

#[test]
fn sql_lives_under_src_db() {
    let mut outside = Vec::new();
    for file in sources(&root()) {
        if file.rel.starts_with("db/") {
            continue;
        }
        let tests = test_modules(&file.code);
        for (at, s) in &file.strings {
            if tests.iter().any(|(a, b)| a <= at && at < b) {
                continue;
            }
            if let Some(word) = SQL_WORDS.iter().find(|w| s.contains(*w)) {
                let line = file.code[..*at].matches('\n').count() + 1;
                let text: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
                let text: String = text.chars().take(60).collect();
                outside.push(format!("{}:{line}: {word:?} in \"{text}\"", file.rel));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "SQL outside src/db/:\n  {}",
        outside.join("\n  ")
    );
}

#[test]
fn the_cycle_finder_finds_cycles_and_only_cycles() {
    let g = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    // A diamond has no cycle.
    assert!(cycles(&g(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])).is_empty());
    // A three-step cycle beside an acyclic tail, reported as a closed path.
    let found = cycles(&g(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]));
    assert_eq!(found, vec![vec!["a", "b", "c", "a"]]);
    // Two separate cycles are both reported.
    let found = cycles(&g(&[
        ("a", "b"),
        ("b", "a"),
        ("x", "y"),
        ("y", "x"),
        ("b", "x"),
    ]));
    assert_eq!(found.len(), 2, "{found:?}");
    // A module naming itself is a cycle too.
    assert_eq!(cycles(&g(&[("a", "a")])), vec![vec!["a", "a"]]);
}

#[test]
fn the_path_reader_reads_use_trees_and_skips_comments_and_strings() {
    let (code, strings) = lex("use crate::{db::{self, works as w}, library::Library};\n\
         // crate::backup in a comment\n\
         let s = \"crate::trash in a string SELECT x\"; let c = '{';\n\
         let r = r#\"UPDATE \"q\"\"#; fn f<'a>(x: &'a str) { crate::search::run() }");
    let paths = paths_after(&code, "crate::");
    let names: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        names,
        ["db", "db::works", "library::Library", "search::run"]
    );
    let texts: Vec<&str> = strings.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(texts, ["crate::trash in a string SELECT x", "UPDATE \"q\""]);
    let code = "fn a() {}\n#[cfg(test)]\nmod tests { fn b() { crate::x::y(); } }\nfn c() {}";
    let kept = without_tests(code);
    assert!(kept.contains("fn a") && kept.contains("fn c") && !kept.contains("crate::x"));
}
