//! The command line: `serve` (default), `open-drawer`, `printers`, `set-password`,
//! `service` (Windows). The top layer: no module imports it but `main.rs`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::app::{Application, Settings};
use crate::config::ConfigStore;
use crate::platform::DATA_DIR_ENV;
use crate::shutdown::Shutdown;
use crate::state::{AppState, Services};

#[cfg(windows)]
pub mod windows_service;

#[derive(Debug, Parser)]
#[command(
    name = "odoo-pos-cashdrawer",
    version,
    about = "Service local pour Odoo POS: tiroir-caisse, tickets et factures"
)]
pub struct Cli {
    /// Data folder holding config.ini and logs/ (default: C:\ProgramData\OdooPOS on
    /// Windows; see the README for Linux and macOS).
    #[arg(long, global = true, env = DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service (default).
    Serve {
        /// Listen address, overriding `[server] host`.
        #[arg(long)]
        host: Option<IpAddr>,
        /// Listen port, overriding `[server] port` (0 = any free port, printed at start).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Kick the drawer once, for diagnosis.
    OpenDrawer,
    /// List the system printers and the configured printer with its state.
    Printers,
    /// Set the admin password (asked on the terminal, or the first line of stdin).
    SetPassword,
    /// The Windows service: install, uninstall, start, stop, status (Windows only).
    Service {
        #[command(subcommand)]
        action: ServiceAction,
    },
}

/// `service` actions; all need an administrator prompt except `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum ServiceAction {
    /// Register the service (auto-start, restart on failure); updates an existing one.
    Install,
    /// Stop and remove the service (the data folder stays).
    Uninstall,
    Start,
    Stop,
    Status,
    /// Stop and disable the original Python service "OdooPOSCashdrawerService" (port 22548).
    DisableLegacy,
    /// Entry point the service control manager starts; not for a console.
    #[command(hide = true)]
    Run,
}

impl Cli {
    fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(crate::platform::default_data_dir)
    }
}

/// Runs the parsed command; the process exit code is 0 on success.
pub fn run(cli: Cli) -> Result<()> {
    let data_dir = cli.data_dir();
    if let Some(Command::Service { action }) = cli.command {
        return service(action, data_dir, cli.data_dir.is_some());
    }
    let runtime = runtime()?;
    match cli.command.unwrap_or(Command::Serve {
        host: None,
        port: None,
    }) {
        Command::Serve { host, port } => runtime.block_on(serve(data_dir, host, port)),
        Command::OpenDrawer => runtime.block_on(open_drawer(data_dir)),
        Command::Printers => runtime.block_on(printers(data_dir)),
        Command::SetPassword => crate::auth::cli::set_password(&data_dir),
        Command::Service { .. } => unreachable!("handled before the runtime starts"),
    }
}

/// `explicit_dir`: `--data-dir` was given, so the installed service keeps that folder.
#[cfg(windows)]
fn service(action: ServiceAction, data_dir: PathBuf, explicit_dir: bool) -> Result<()> {
    use windows_service as service;
    match action {
        ServiceAction::Install => service::install(explicit_dir.then_some(data_dir.as_path())),
        ServiceAction::Uninstall => service::uninstall(),
        ServiceAction::Start => service::start(),
        ServiceAction::Stop => service::stop(),
        ServiceAction::Status => service::status(),
        ServiceAction::DisableLegacy => service::disable_legacy(),
        ServiceAction::Run => service::run(),
    }
}

#[cfg(not(windows))]
fn service(action: ServiceAction, _data_dir: PathBuf, _explicit_dir: bool) -> Result<()> {
    let name = match action {
        ServiceAction::Install => "install",
        ServiceAction::Uninstall => "uninstall",
        ServiceAction::Start => "start",
        ServiceAction::Stop => "stop",
        ServiceAction::Status => "status",
        ServiceAction::DisableLegacy => "disable-legacy",
        ServiceAction::Run => "run",
    };
    anyhow::bail!(
        "`service {name}` n'existe que sous Windows; ici, lancer `serve` depuis le \
         gestionnaire de services du système (systemd, launchd)"
    )
}

async fn serve(data_dir: PathBuf, host: Option<IpAddr>, port: Option<u16>) -> Result<()> {
    let shutdown = Shutdown::new();
    shutdown.on_signals();
    serve_until(data_dir, host, port, shutdown).await
}

/// `serve`, until `shutdown` (Ctrl-C, SIGTERM, the Windows service stop request).
pub async fn serve_until(
    data_dir: PathBuf,
    host: Option<IpAddr>,
    port: Option<u16>,
    shutdown: Shutdown,
) -> Result<()> {
    let store = ConfigStore::new(data_dir.join("config.ini"));
    let (config, outcome) = store.load_or_create()?;
    let (log, _guard) = crate::logs::init(&data_dir, &config)?;
    let listen = (host.is_some() || port.is_some()).then(|| {
        SocketAddr::new(
            host.unwrap_or(config.server.host),
            port.unwrap_or(config.server.port),
        )
    });
    let app = Application::build_logged(
        Settings {
            data_dir: data_dir.clone(),
            listen,
        },
        log,
    )
    .await?;
    op!(info, "service.start", "ok"; "odoo-pos-cashdrawer {} à l'écoute sur http://{} (données: {}, config: {:?}, imprimante tiroir: {})",
        crate::VERSION, app.local_addr(), data_dir.display(), outcome, config.printer.target);
    app.run_until(shutdown.wait()).await?;
    op!(info, "service.stop", "ok"; "service arrêté");
    Ok(())
}

fn offline_state(data_dir: PathBuf) -> Result<AppState> {
    let store = ConfigStore::new(data_dir.join("config.ini"));
    let (config, _) = store.load_or_create()?;
    Ok(AppState::new(data_dir, store, config, Services::offline()))
}

async fn open_drawer(data_dir: PathBuf) -> Result<()> {
    let state = offline_state(data_dir)?;
    let target = state.config().printer.target.clone();
    let kicked = crate::drawer::open(&state.drawer_printer(), &state.config().cashdrawer).await?;
    let ms = kicked.outcome.elapsed.as_millis();
    println!("Tiroir-caisse ouvert via {target} en {ms} ms");
    if let Some(warning) = kicked.warning {
        println!("Attention: {warning}");
    }
    Ok(())
}

async fn printers(data_dir: PathBuf) -> Result<()> {
    let state = offline_state(data_dir)?;
    match crate::printer::system_printers() {
        Ok(list) if list.is_empty() => println!("Imprimantes système: aucune"),
        Ok(list) => {
            println!("Imprimantes système:");
            for name in list {
                println!("  {name}");
            }
        }
        Err(e) => println!("Imprimantes système: indisponibles ({e:#})"),
    }
    let printer = state.drawer_printer();
    let status = match printer.query_status().await {
        Ok(Some(s)) => format!("{s:?}"),
        Ok(None) => "inconnu (ce transport ne donne pas d'état)".into(),
        Err(e) => format!("erreur: {e}"),
    };
    let target = printer.target();
    println!("Imprimante du tiroir ([printer] name): {target} — état: {status}");
    Ok(())
}

/// The runtime of every command: two workers are plenty for one till.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}
