//! Whether there is a display to open the window on, checked before GTK starts.
//!
//! Without one (over SSH, in a container, `DISPLAY` and `WAYLAND_DISPLAY` unset) GTK's start
//! ends in a panic with a backtrace; the app says what is missing in one line instead, points
//! to the CLI, which needs no display, and exits with [`EXIT_NO_DISPLAY`].

use std::ffi::OsString;
use std::fmt;

/// The exit code when there is no display (a usage problem, as the CLI's own errors).
pub const EXIT_NO_DISPLAY: u8 = 2;

/// No display to draw on; its `Display` is the one line printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoDisplay;

impl fmt::Display for NoDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "papershelf-app: no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set); \
             the papershelf CLI works without one, e.g. `papershelf search 'graph attention'`"
        )
    }
}

/// The decision alone, from `var` (an environment lookup): a window can open when X11
/// (`DISPLAY`) or Wayland (`WAYLAND_DISPLAY`, or a socket handed over in `WAYLAND_SOCKET`) is
/// available, or when GTK is told to serve the window over HTTP (`GDK_BACKEND=broadway`).
/// Empty values count as unset, as GTK treats them.
pub fn check(var: impl Fn(&'static str) -> Option<OsString>) -> Result<(), NoDisplay> {
    let set = |name: &'static str| var(name).is_some_and(|v| !v.is_empty());
    let broadway = var("GDK_BACKEND").is_some_and(|v| v.to_string_lossy().contains("broadway"));
    if set("DISPLAY") || set("WAYLAND_DISPLAY") || set("WAYLAND_SOCKET") || broadway {
        Ok(())
    } else {
        Err(NoDisplay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn x11_or_wayland_is_enough() {
        assert_eq!(check(env(&[("DISPLAY", ":0")])), Ok(()));
        assert_eq!(check(env(&[("DISPLAY", "localhost:10.0")])), Ok(()));
        assert_eq!(check(env(&[("WAYLAND_DISPLAY", "wayland-0")])), Ok(()));
        assert_eq!(check(env(&[("WAYLAND_SOCKET", "3")])), Ok(()));
        assert_eq!(check(env(&[("GDK_BACKEND", "broadway")])), Ok(()));
    }

    #[test]
    fn no_display_at_all_is_refused_with_one_line_naming_the_cli() {
        for vars in [
            &[][..],
            &[("DISPLAY", ""), ("WAYLAND_DISPLAY", "")][..],
            &[
                ("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22"),
                ("TERM", "xterm"),
            ][..],
            &[("GDK_BACKEND", "x11")][..],
        ] {
            assert_eq!(check(env(vars)), Err(NoDisplay), "{vars:?}");
        }
        let line = NoDisplay.to_string();
        assert!(!line.contains('\n'));
        assert!(line.contains("DISPLAY") && line.contains("WAYLAND_DISPLAY"));
        assert!(line.contains("papershelf search"));
    }
}
