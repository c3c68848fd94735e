//! arXiv ids: never panics; an accepted id re-parses to itself in its bare, versioned,
//! `arXiv:` and abs/pdf URL forms.
#![no_main]

use libfuzzer_sys::fuzz_target;
use papershelf_core::ArxivId;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((id, version)) = ArxivId::parse(input) {
        assert!(version.is_none_or(|v| v >= 1));
        let s = id.as_str();
        for form in [
            s.to_string(),
            format!("{s}v3"),
            format!("arXiv:{s}"),
            id.abs_url(),
            id.pdf_url(),
        ] {
            assert_eq!(ArxivId::parse(&form).map(|(i, _)| i), Ok(id.clone()), "{form}");
        }
    }
});
