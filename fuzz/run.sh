#!/usr/bin/env bash
# Coverage-guided fuzzing of Papershelf's parsers with cargo-fuzz (libFuzzer).
#
#   fuzz/run.sh                 # every target, 1 000 000 executions each
#   fuzz/run.sh 200000 query    # some targets, another count
#
# cargo-fuzz needs nightly compiler flags; on a stable toolchain RUSTC_BOOTSTRAP=1 enables
# them. `-s none`: the core forbids unsafe code, so AddressSanitizer would add cost and find
# nothing; panics and failed assertions are what the targets look for. Seeds come from the
# test fixtures (markdown has none: three notes files are written below); new inputs go to
# fuzz/corpus/<target>, crashes to fuzz/artifacts/<target>.
# FUZZ_TARGET_DIR, when set, is passed as --target-dir. Inputs are capped at 64 KiB, except
# hf_page at 4 KiB: its parser is linear, but coverage tracing makes each 64 KiB page cost
# about 10 ms, so 10^6 executions would take hours; 4 KiB still holds dozens of lines and
# every line shape (longer lines are covered by the 5 MB unit test in hf_page.rs). MAX_LEN,
# when set, overrides the cap for every target.
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-1000000}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(hf_page arxiv_jsonl arxiv_atom hf_json s2_json query arxiv_id bibtex ris csl_json markdown)
fi
fixtures=../crates/core/tests/fixtures

seed() {
  local target=$1 dir=corpus/$1
  mkdir -p "$dir"
  case $target in
    hf_page) cp "$fixtures"/hf-pages/*.txt "$fixtures"/hf-pages/crafted/*.txt "$dir"/ ;;
    arxiv_jsonl) split -l 1 -a 3 "$fixtures"/api/snapshot-sample.jsonl "$dir"/sample-
                 split -l 1 -a 3 "$fixtures"/api/snapshot-broken.jsonl "$dir"/broken- ;;
    arxiv_atom) cp "$fixtures"/api/arxiv/*.xml "$fixtures"/api/hostile/xss-arxiv.xml "$dir"/ ;;
    hf_json) cp "$fixtures"/api/hf/*.json "$fixtures"/api/hostile/*.json "$dir"/ ;;
    s2_json) for f in "$fixtures"/api/s2/*.json; do printf '\006' | cat - "$f" > "$dir/$(basename "$f")"; done ;;
    query) printf '%s' 'graph attention' > "$dir/1"; printf '%s' 'title:"neural networks" -tag:old year:2019..2023' > "$dir/2"
           printf '%s' 'author:Zhang status:to-read "unterminated' > "$dir/3" ;;
    arxiv_id) python3 -c '
import json, sys, os
cases = json.load(open(sys.argv[1]))["cases"]
for i, c in enumerate(cases):
    open(os.path.join(sys.argv[2], str(i)), "w").write(c["input"])
' "$fixtures"/api/arxiv-id-normalization.json "$dir" ;;
    bibtex) cp "$fixtures"/interop/*.bib "$dir"/
            # The shapes that once overflowed the stack: macros naming themselves or each
            # other, a doubling macro chain, entries linking to themselves.
            printf '%s\n' '@string{a = a}' '@string{b = c # b} @string{c = b}' '@string{d = "x" # d # d}' \
              '@article{self, crossref = {self}, xdata = {self}, ids = {self}, title = a # b # d}' \
              '@book(loop, crossref = {other}, title = {T})' '@book{other, crossref = {loop}}' > "$dir/links.bib" ;;
    ris) cp "$fixtures"/interop/zotero.ris "$dir"/ ;;
    csl_json) cp "$fixtures"/interop/zotero.json "$dir"/
              sed 's/"Broken Item" "missing comma"/"Broken Item"/' "$fixtures"/interop/zotero.json > "$dir"/zotero-repaired.json ;;
    markdown) printf '%s\n' '---' 'id: "1706.03762"' 'citekey: "vaswani2017attention"' 'title: "Attention: \"all\""' \
                'authors:' '  - "Ashish Vaswani"' 'year: 2017' 'date: "2017-06-12"' 'arxiv: "1706.03762"' \
                'doi: "10.1000/xyz"' 'links:' '  arxiv: "https://arxiv.org/abs/1706.03762"' 'tags:' '  - "nlp"' \
                'collections:' '  - "Reading group"' 'status: "read"' '---' '' '# Notes' '' 'Good.' > "$dir/1"
              printf '%s\n' '---' "title: 'It''s plain'" 'authors: []' 'tags: []' 'status: to-read' '---' > "$dir/2"
              printf '%s\n' '---' 'title: "unterminated' 'tags:' '- "\u00e9"' > "$dir/3" ;;
  esac
}

for t in "${targets[@]}"; do
  seed "$t"
  case $t in hf_page) max_len=4096 ;; *) max_len=65536 ;; esac
  max_len=${MAX_LEN:-$max_len}
  echo "==> $t: $runs runs"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -s none ${FUZZ_TARGET_DIR:+--target-dir "$FUZZ_TARGET_DIR"} "$t" "corpus/$t" -- \
    -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
