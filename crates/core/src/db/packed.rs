//! Long texts stored compressed. An abstract is three quarters of a paper's row; stored as a
//! zstd frame it takes about half the bytes, which keeps a million-paper library smaller than
//! a full-text database of the same papers holds in plain text.
//!
//! A column written through [`Packed`] holds either TEXT (short texts, texts that do not
//! shrink, and every row written before schema 11) or a BLOB that is one zstd frame with its
//! content size. [`MaybeUnpacked`] reads both, so old rows need no rewrite.

use std::cell::RefCell;

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, Value, ValueRef};

/// Texts shorter than this many bytes are stored as they are: a frame's header and the
/// lack of repetition in a sentence leave little to gain.
const PACK_FROM: usize = 200;

/// zstd's level 3: within a few percent of the best ratio on abstracts at a fraction of the
/// cost of higher levels (a million abstracts compress in a few seconds of one core).
const LEVEL: i32 = 3;

/// The largest text a stored frame may unpack to; a damaged or hostile row names a bigger
/// size and is refused instead of allocating it.
const MAX_UNPACKED: u64 = 64 << 20;

thread_local! {
    // A compression context is hundreds of KiB of tables: one per thread, not one per row.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// A text to bind: compressed when that saves at least an eighth of its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Packed<'a>(pub &'a str);

impl ToSql for Packed<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let text = self.0;
        if text.len() >= PACK_FROM {
            if let Some(frame) = compress(text.as_bytes()) {
                if frame.len() + text.len() / 8 <= text.len() {
                    return Ok(ToSqlOutput::Owned(Value::Blob(frame)));
                }
            }
        }
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())))
    }
}

fn compress(bytes: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = zstd::bulk::Compressor::new(LEVEL).ok();
        }
        slot.as_mut()?.compress(bytes).ok()
    })
}

/// A text read from a column written through [`Packed`] (TEXT or a zstd frame; NULL reads as
/// empty) that may be unreadable: `Err` holds why
/// (a damaged frame, a size over the limit, invalid UTF-8) instead of failing the whole row,
/// so one damaged abstract does not take its list page or the index catch-up down with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaybeUnpacked(pub Result<String, String>);

impl FromSql for MaybeUnpacked {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Ok(MaybeUnpacked(match value {
            ValueRef::Null => Ok(String::new()),
            ValueRef::Text(bytes) => String::from_utf8(bytes.to_vec())
                .map_err(|_| "stored text is not valid UTF-8".to_string()),
            ValueRef::Blob(frame) => unpack(frame),
            _ => Err("stored text has the wrong type".to_string()),
        }))
    }
}

fn unpack(frame: &[u8]) -> Result<String, String> {
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) if size <= MAX_UNPACKED => size as usize,
        Ok(Some(size)) => return Err(format!("stored text claims {size} bytes unpacked")),
        _ => return Err("stored text is not a complete zstd frame".into()),
    };
    let bytes = DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(zstd::bulk::Decompressor::new().map_err(|e| e.to_string())?);
        }
        let decompressor = slot.as_mut().expect("set above");
        decompressor
            .decompress(frame, size)
            .map_err(|e| format!("stored text does not unpack: {e}"))
    })?;
    String::from_utf8(bytes).map_err(|_| "stored text unpacks to invalid UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn round_trip(text: &str) -> (String, String) {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute("CREATE TABLE t (v TEXT NOT NULL DEFAULT '')", [])
            .unwrap();
        conn.execute("INSERT INTO t (v) VALUES (?1)", [Packed(text)])
            .unwrap();
        conn.query_row("SELECT typeof(v), v FROM t", [], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, MaybeUnpacked>(1)?.0.unwrap(),
            ))
        })
        .unwrap()
    }

    #[test]
    fn short_texts_stay_text_and_long_ones_become_frames_that_read_back_the_same() {
        assert_eq!(round_trip(""), ("text".into(), String::new()));
        assert_eq!(
            round_trip("A short one."),
            ("text".into(), "A short one.".into())
        );
        let long = "We study how attention layers route information between tokens, and \
            show that a transformer's heads specialise early in training. "
            .repeat(8)
            + "Déjà vu: naïve Bayes, Ångström, 東京, 🙂.";
        let (kind, back) = round_trip(&long);
        assert_eq!(kind, "blob");
        assert_eq!(back, long);
    }

    #[test]
    fn text_that_does_not_shrink_is_stored_as_text() {
        // Every byte different from its neighbours: nothing for zstd to find.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let noise: String = (0..600)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'!' + (state % 90) as u8)
            })
            .collect();
        assert_eq!(round_trip(&noise), ("text".into(), noise));
    }

    #[test]
    fn rows_written_as_plain_text_still_read() {
        let conn = Connection::open_in_memory().unwrap();
        let old = "An abstract written before texts were packed. ".repeat(10);
        let got: MaybeUnpacked = conn.query_row("SELECT ?1", [&old], |r| r.get(0)).unwrap();
        assert_eq!(got.0, Ok(old));
    }

    #[test]
    fn a_damaged_frame_is_an_error_not_a_panic_or_a_huge_allocation() {
        let conn = Connection::open_in_memory().unwrap();
        let frame = compress(
            "Some abstract text that is long enough. "
                .repeat(20)
                .as_bytes(),
        )
        .unwrap();
        for bad in [
            frame[..frame.len() / 2].to_vec(),
            b"not a frame at all".to_vec(),
            // A frame header claiming 1 TiB of content.
            vec![0x28, 0xB5, 0x2F, 0xFD, 0xE0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
        ] {
            let got = conn.query_row("SELECT ?1", [&bad], |r| r.get::<_, MaybeUnpacked>(0));
            assert!(got.unwrap().0.is_err(), "{bad:?}");
        }
    }
}
