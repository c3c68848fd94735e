//! Checks on files handed to an importer before any record is read: the wrong encoding
//! (UTF-16/32, Latin-1), binary data, and lines too long to be one record. Each problem is an
//! [`Error::Parse`] naming the file and the line, never a panic or a page of garbage.

use std::io::{self, BufRead};

use crate::error::{Error, Result};

/// Longest line an importer reads as one record. The longest record of the arXiv snapshot is
/// far below 1 MiB; a longer line is a wrong or damaged file, and reading it whole would let
/// one line take any amount of memory.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Byte order marks of encodings that are not UTF-8, longest first.
const FOREIGN_BOMS: [(&[u8], &str); 4] = [
    (b"\xFF\xFE\x00\x00", "UTF-32 (little-endian)"),
    (b"\x00\x00\xFE\xFF", "UTF-32 (big-endian)"),
    (b"\xFF\xFE", "UTF-16 (little-endian)"),
    (b"\xFE\xFF", "UTF-16 (big-endian)"),
];

/// Looks at the start of a file for a foreign byte order mark or binary data (a NUL byte in
/// the first 8 KiB: text formats never contain one). `Err` names the file and the line.
pub fn check_head(file: &str, head: &[u8]) -> Result<()> {
    for (bom, name) in FOREIGN_BOMS {
        if head.starts_with(bom) {
            return Err(Error::Parse {
                file: file.to_string(),
                line: 1,
                reason: format!(
                    "the file is {name} text (it starts with a byte order mark); save it as \
                     UTF-8 and import again"
                ),
            });
        }
    }
    let probe = &head[..head.len().min(8 << 10)];
    if let Some(at) = probe.iter().position(|&b| b == 0) {
        return Err(Error::Parse {
            file: file.to_string(),
            line: line_of(head, at),
            reason: format!(
                "binary data, not text (a NUL byte at byte offset {at}); expected a text file"
            ),
        });
    }
    Ok(())
}

/// Decodes a whole text file: [`check_head`], then strict UTF-8 (a leading UTF-8 byte order
/// mark is dropped). Invalid UTF-8 is an error naming the line, the column and the byte.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String> {
    check_head(file, bytes)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            Err(Error::Parse {
                file: file.to_string(),
                line: line_of(bytes, at),
                reason: not_utf8(bytes, at),
            })
        }
    }
}

/// Why `bytes` is not UTF-8 at `at`, with a hint when it looks like Latin-1 / Windows-1252.
pub fn not_utf8(bytes: &[u8], at: usize) -> String {
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&bytes[line_start..at])
        .chars()
        .count()
        + 1;
    let byte = bytes.get(at).copied().unwrap_or(0);
    let hint = if (0xA0..=0xFF).contains(&byte) || (0x80..0xA0).contains(&byte) {
        " (Latin-1 or Windows-1252 text?)"
    } else {
        ""
    };
    format!(
        "not UTF-8 text: byte 0x{byte:02X} at column {column}{hint}; save the file as UTF-8 \
         and import again"
    )
}

/// 1-based line of byte offset `at`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    1 + bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// One line read by [`read_line_capped`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRead {
    /// Bytes consumed from the reader, newline included (0 at the end of the input).
    pub consumed: u64,
    /// The line was longer than the cap: `buf` holds only its first `cap` bytes, and the rest
    /// was skipped.
    pub too_long: bool,
}

/// Reads one `\n`-terminated line into `buf` (cleared first), keeping at most `cap` bytes of
/// it in memory; the rest of an over-long line is read and dropped, so the next call starts at
/// the next line.
pub fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<LineRead> {
    buf.clear();
    let mut consumed = 0u64;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(LineRead { consumed, too_long });
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = cap.saturating_sub(buf.len());
        if chunk.len() > room {
            too_long = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        reader.consume(n);
        consumed += n as u64;
        if done {
            return Ok(LineRead { consumed, too_long });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_encodings_and_binary_name_the_line() {
        let e = check_head("a.txt", b"\xFF\xFEh\0i\0").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.txt: line 1: the file is UTF-16 (little-endian) text (it starts with a byte \
             order mark); save it as UTF-8 and import again"
        );
        let e = check_head("b.bin", b"ok\nstill ok\n\x7fELF\0\0").unwrap_err();
        assert!(
            e.to_string().starts_with("b.bin: line 3: binary data"),
            "{e}"
        );
        check_head("c.txt", "plain ünïcode\n".as_bytes()).unwrap();
    }

    #[test]
    fn latin1_is_reported_with_line_and_column() {
        let e = decode("p.txt", b"Title\nCaf\xE9 au lait\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.txt: line 2: not UTF-8 text: byte 0xE9 at column 4 (Latin-1 or Windows-1252 \
             text?); save the file as UTF-8 and import again"
        );
        assert_eq!(decode("p.txt", b"\xEF\xBB\xBFok").unwrap(), "ok");
    }

    #[test]
    fn long_lines_are_capped_and_the_next_line_is_intact() {
        let input = format!("{}\nnext\n{}", "x".repeat(100), "y".repeat(7));
        let mut reader = io::BufReader::with_capacity(16, input.as_bytes());
        let mut buf = Vec::new();
        let first = read_line_capped(&mut reader, &mut buf, 10).unwrap();
        assert_eq!((first.consumed, first.too_long, buf.len()), (101, true, 10));
        let second = read_line_capped(&mut reader, &mut buf, 10).unwrap();
        assert_eq!((second.consumed, second.too_long), (5, false));
        assert_eq!(buf, b"next\n");
        let third = read_line_capped(&mut reader, &mut buf, 10).unwrap();
        assert_eq!((third.consumed, third.too_long), (7, false));
        let end = read_line_capped(&mut reader, &mut buf, 10).unwrap();
        assert_eq!(end.consumed, 0);
        assert!(buf.is_empty());
    }
}
