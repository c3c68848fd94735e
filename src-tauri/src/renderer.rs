//! WebKitGTK's renderer on Linux, chosen before GTK starts.
//!
//! Without a GPU (a virtual display, a remote desktop, many VMs) WebKitGTK's DMA-BUF renderer,
//! its default since 2.42, stalls the window's frame clock: every other start drew its first
//! results about a second late, and typing drew at twice the cost per frame (see
//! `docs/benchmarks.md`). Turning that renderer off (which also turns accelerated compositing
//! off) paints at once there. Where a GPU render node exists WebKit keeps its default, and a
//! user who set any of [`USER_CHOICES`] keeps their choice.

use std::fmt;

/// The variables by which a user picks WebKit's renderer; the app leaves it alone if any is set,
/// whatever its value (`0` included).
pub const USER_CHOICES: [&str; 3] = [
    "WEBKIT_DISABLE_DMABUF_RENDERER",
    "WEBKIT_DISABLE_COMPOSITING_MODE",
    "WEBKIT_DMABUF_RENDERER_FORCE_SHM",
];

/// The variable the app sets when there is no render node.
pub const DISABLE_DMABUF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// What the app does about WebKit's renderer, and why (its `Display` is the log line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Renderer {
    /// The user set this variable: nothing changed.
    UserChose(&'static str),
    /// A GPU render node exists (e.g. `renderD128`): WebKit's default renderer.
    Default {
        /// The first render node found.
        node: String,
    },
    /// No render node: [`DISABLE_DMABUF`] set to `1`.
    DmabufDisabled,
}

impl fmt::Display for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Renderer::UserChose(var) => write!(f, "WebKit renderer left as chosen: {var} is set"),
            Renderer::Default { node } => {
                write!(f, "WebKit's default renderer: GPU render node /dev/dri/{node}")
            }
            Renderer::DmabufDisabled => write!(
                f,
                "{DISABLE_DMABUF}=1: no GPU render node in /dev/dri (the DMA-BUF renderer stalls without one)"
            ),
        }
    }
}

/// The decision alone: `is_set` says whether an environment variable is set, `dri_entries` are
/// the names in `/dev/dri` (render nodes are `renderD*`; `card*` nodes do not count).
pub fn choose(is_set: impl Fn(&str) -> bool, dri_entries: &[String]) -> Renderer {
    if let Some(var) = USER_CHOICES.into_iter().find(|v| is_set(v)) {
        return Renderer::UserChose(var);
    }
    match dri_entries.iter().find(|n| n.starts_with("renderD")) {
        Some(node) => Renderer::Default { node: node.clone() },
        None => Renderer::DmabufDisabled,
    }
}

/// Looks at the environment and `/dev/dri`, sets [`DISABLE_DMABUF`] if [`choose`] says so and
/// returns the choice, for the caller to log once logging is up. Call it first thing in `main`:
/// setting a variable is only sound while no other thread runs, and WebKit reads it when GTK
/// starts.
#[cfg(target_os = "linux")]
pub fn apply() -> Renderer {
    let dri: Vec<String> = std::fs::read_dir("/dev/dri")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        // No /dev/dri at all (Xvfb in a container, most VMs): no render node.
        .unwrap_or_default();
    let choice = choose(|v| std::env::var_os(v).is_some(), &dri);
    if choice == Renderer::DmabufDisabled {
        std::env::set_var(DISABLE_DMABUF, "1");
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn no_render_node_turns_the_dmabuf_renderer_off() {
        assert_eq!(choose(|_| false, &[]), Renderer::DmabufDisabled);
        // A card node without a render node (some virtual GPUs, KMS-only drivers) is no GPU to render on.
        assert_eq!(
            choose(|_| false, &names(&["card0", "by-path"])),
            Renderer::DmabufDisabled
        );
    }

    #[test]
    fn a_render_node_keeps_webkits_default() {
        assert_eq!(
            choose(|_| false, &names(&["by-path", "card0", "renderD128"])),
            Renderer::Default {
                node: "renderD128".into()
            }
        );
    }

    #[test]
    fn any_variable_the_user_set_wins_with_or_without_a_render_node() {
        for var in USER_CHOICES {
            for dri in [names(&[]), names(&["card0", "renderD128"])] {
                assert_eq!(choose(|v| v == var, &dri), Renderer::UserChose(var));
            }
        }
        // Set to 0 still counts: the user asked for the DMA-BUF renderer.
        let env = [("WEBKIT_DISABLE_DMABUF_RENDERER", "0")];
        let is_set = |v: &str| env.iter().any(|(k, _)| *k == v);
        assert_eq!(
            choose(is_set, &[]),
            Renderer::UserChose("WEBKIT_DISABLE_DMABUF_RENDERER")
        );
    }

    #[test]
    fn the_log_line_says_why() {
        assert!(Renderer::DmabufDisabled
            .to_string()
            .contains("no GPU render node"));
        assert!(Renderer::UserChose("WEBKIT_DISABLE_COMPOSITING_MODE")
            .to_string()
            .contains("WEBKIT_DISABLE_COMPOSITING_MODE is set"));
    }
}
