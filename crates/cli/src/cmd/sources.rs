//! `papershelf add | inbox`: the commands that reach the sources.

use clap::Args;
use papershelf_core::sources::config::SourceConfig;
use papershelf_core::sources::http::{HttpClient, HttpOptions};
use papershelf_core::{Library, ListFilter, Status};

use crate::output;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// arXiv id or URL: 2310.02579, 2310.02579v2, arXiv:…, https://arxiv.org/abs/…, the
    /// 10.48550/arXiv.… DOI, hep-th/9901001, or a huggingface.co/papers/… URL
    id: String,
    /// Print the paper as JSON
    #[arg(long)]
    json: bool,
}

/// The network clients run on a small runtime of their own; the library stays synchronous.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

pub fn add(lib: &Library, args: AddArgs) -> anyhow::Result<()> {
    let config = SourceConfig::load(lib.dir())?;
    let http = HttpClient::new(config, HttpOptions::default())?;
    let fetched = runtime()?.block_on(papershelf_core::sync::fetch_paper(&http, &args.id))?;
    let (paper, added) = lib.add_fetched(&fetched)?;
    if args.json {
        return output::json_line(&paper);
    }
    let verb = if added {
        "added to the inbox"
    } else {
        "already in the library; updated"
    };
    outln!("{}: {} ({verb})", paper.id, paper.title);
    Ok(())
}

#[derive(Debug, Args)]
pub struct InboxArgs {
    /// At most this many
    #[arg(long, default_value_t = 100)]
    limit: usize,
    /// Print JSON Lines, one object per paper
    #[arg(long)]
    json: bool,
}

pub fn inbox(lib: &Library, args: InboxArgs) -> anyhow::Result<()> {
    let filter = ListFilter {
        status: Some(Status::Inbox),
        tag: None,
        limit: Some(args.limit),
        offset: 0,
    };
    super::papers::print_list(lib, &filter, args.json, "the inbox is empty")
}
