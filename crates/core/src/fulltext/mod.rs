//! The text inside a paper's PDF: extracted once per file by a child process with limits
//! ([`extract`]), cleaned page by page ([`pages`]), and searched for quotes ([`quote`]) so an
//! annotation can be anchored by the words it marks as well as by where they are.

pub mod extract;
pub mod pages;
pub mod quote;

pub use extract::{ExtractError, ExtractedText, Extractor, Limits, PDFTOTEXT_ENV};
pub use pages::PageText;
pub use quote::{find_quote, QuoteMatch, TextQuote, CONTEXT_CHARS};
