//! Where the reader was in each paper's PDF.

use crate::db::{pdfs, reading, works};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::model::{PaperId, ReadingPosition};

impl Library {
    /// Where the reader last was in the paper's PDF; `None` when it was never read (or its
    /// PDF is gone).
    pub fn reading_position(&self, id: &PaperId) -> Result<Option<ReadingPosition>> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        let Some(position) = reading::get(&conn, key)? else {
            return Ok(None);
        };
        let file_held = pdfs::of_work(&conn, key)?
            .iter()
            .any(|f| f.sha256 == position.pdf_sha256);
        Ok(file_held.then_some(position))
    }

    /// Remembers where the reader is in the paper's PDF.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a page of 0, a place outside 0..=1, an unknown zoom, or a
    /// file that is not one of the paper's PDFs.
    pub fn set_reading_position(&self, id: &PaperId, position: &ReadingPosition) -> Result<()> {
        if let Some(problem) = position.problem() {
            return Err(Error::InvalidInput(problem));
        }
        self.write(|tx, now| {
            let key = works::key_of(tx, id)?;
            if !pdfs::of_work(tx, key)?
                .iter()
                .any(|f| f.sha256 == position.pdf_sha256)
            {
                return Err(Error::InvalidInput(format!(
                    "{} is not one of the PDFs of {id}",
                    position.pdf_sha256
                )));
            }
            reading::set(tx, key, position, now)?;
            // Nothing searchable changed.
            Ok(((), vec![]))
        })
    }
}
