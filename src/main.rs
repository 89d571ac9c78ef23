//! `newstone` command line: one file per subcommand under `src/cli/`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = newstone::cli::Cli::parse();
    newstone::cli::init_logging(cli.verbose, cli.quiet);
    match newstone::cli::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            // `{:#}` prints the whole context chain on one line: what failed and why.
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// mimalloc: the NLP stages allocate many short strings; the system allocator spent
/// 10–15 % of their CPU time in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
