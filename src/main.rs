//! The executable: parses the command line and hands it to [`cashdrawer::cli`] (the top
//! layer); nothing else lives here, so everything can be tested through the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cashdrawer::cli::Cli::parse();
    match cashdrawer::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("erreur: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
