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
