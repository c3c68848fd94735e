//! The window's navigation guard, in the shell.
//!
//! The UI intercepts link clicks and hands http(s) targets to the opener plugin (the system
//! browser); this guard is the second line behind it: whatever else tries to move the webview
//! (a link the UI missed, a form, script) may only go to the app's own origin. Everything
//! else is cancelled and logged, so remote content never runs with the app's IPC.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Runtime, Url};

/// Whether the webview may navigate to `url`: the bundled interface served over the custom
/// protocol (`tauri://localhost`, or `http(s)://tauri.localhost` where the platform needs the
/// workaround), the dev server's origin in a development build (`dev_url`), or `about:blank`
/// (inert; WebKit and WebDriver open it on their own).
pub fn is_app_url(url: &Url, dev_url: Option<&Url>) -> bool {
    let host = url.host_str();
    match url.scheme() {
        "tauri" => host == Some("localhost") && url.port().is_none(),
        "http" | "https" if host == Some("tauri.localhost") => url.port().is_none(),
        "about" => url.path() == "blank",
        _ => dev_url.is_some_and(|dev| same_origin(url, dev)),
    }
}

/// Scheme, host and port all equal (a default port counts as written).
fn same_origin(a: &Url, b: &Url) -> bool {
    matches!(a.scheme(), "http" | "https")
        && a.scheme() == b.scheme()
        && a.host_str().is_some()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A plugin whose navigation hook applies [`is_app_url`] to every webview of the app.
/// `dev_url` is the dev server's URL in a development build, `None` in a release.
pub fn guard<R: Runtime>(dev_url: Option<Url>) -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(move |_webview, url| {
            let allowed = is_app_url(url, dev_url.as_ref());
            if !allowed {
                // Only the origin: a full URL may carry whatever a page put in it.
                tracing::warn!(origin = %url.origin().ascii_serialization(), "navigation away from the app refused");
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_bundled_interface_is_the_apps_own() {
        for own in [
            "tauri://localhost",
            "tauri://localhost/",
            "tauri://localhost/index.html#/paper/3",
            "http://tauri.localhost/",
            "https://tauri.localhost/assets/index.js",
            "about:blank",
        ] {
            assert!(is_app_url(&url(own), None), "{own}");
        }
    }

    #[test]
    fn everything_else_is_refused_in_a_release_build() {
        for other in [
            "https://arxiv.org/abs/2310.02579",
            "http://example.com/",
            "http://localhost:5173/",
            "tauri://evil.example",
            "tauri://localhost:8080/",
            "tauri://localhost.evil.example/",
            "http://tauri.localhost.evil.example/",
            "http://tauri.localhost:8080/",
            "https://evil.example/tauri.localhost",
            "http://user@evil.example/",
            "file:///etc/passwd",
            "data:text/html,<script>1</script>",
            "javascript:alert(1)",
            "blob:https://evil.example/1",
            "about:srcdoc",
            "ipc://localhost/",
        ] {
            assert!(!is_app_url(&url(other), None), "{other}");
        }
    }

    #[test]
    fn a_dev_build_also_allows_the_dev_servers_origin_only() {
        let dev = url("http://localhost:5173");
        for own in [
            "http://localhost:5173/",
            "http://localhost:5173/src/main.ts?t=1",
            "tauri://localhost",
        ] {
            assert!(is_app_url(&url(own), Some(&dev)), "{own}");
        }
        for other in [
            "http://localhost:5174/",
            "https://localhost:5173/",
            "http://127.0.0.1:5173/",
            "http://localhost/",
            "https://arxiv.org/",
            "file:///home/user/notes.html",
        ] {
            assert!(!is_app_url(&url(other), Some(&dev)), "{other}");
        }
        let default_port = url("http://localhost");
        assert!(is_app_url(
            &url("http://localhost:80/"),
            Some(&default_port)
        ));
    }
}
