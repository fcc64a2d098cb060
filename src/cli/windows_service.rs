//! The native Windows service: install/uninstall/start/stop/status through the service
//! control manager (SCM), and the `service run` entry point it starts: the same `serve`
//! as the console, stopped through [`Shutdown::trigger`] like Ctrl-C.
//! Part of `cli` (the top layer): nothing below it may call it.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use windows_service::service::{
    Service, ServiceAccess, ServiceAction, ServiceActionType, ServiceControl, ServiceControlAccept,
    ServiceErrorControl, ServiceExitCode, ServiceFailureActions, ServiceFailureResetPeriod,
    ServiceInfo, ServiceStartType, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{
    self, ServiceControlHandlerResult, ServiceStatusHandle,
};
use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};

use crate::shutdown::Shutdown;

/// Our service's name in the SCM: not the original's, so both can be told apart.
pub const SERVICE_NAME: &str = "OdooPOSCashdrawer";
pub const LEGACY_SERVICE_NAME: &str = "OdooPOSCashdrawerService";
const DISPLAY_NAME: &str = "Odoo POS Cashdrawer";
const DESCRIPTION: &str =
    "Service local pour Odoo POS: ouvre le tiroir-caisse et imprime tickets et factures (port 22548).";
const ERROR_SERVICE_EXISTS: i32 = 1073;
const ERROR_SERVICE_DOES_NOT_EXIST: i32 = 1060;
/// How long `start`, `stop` and `uninstall` wait for the service's new state.
const STOP_WAIT: Duration = Duration::from_secs(20);

fn manager(access: ServiceManagerAccess) -> Result<ServiceManager> {
    ServiceManager::local_computer(None::<&str>, access).context(
        "accès au gestionnaire de services refusé (lancer l'invite de commandes en administrateur)",
    )
}

fn os_code(e: &windows_service::Error) -> Option<i32> {
    match e {
        windows_service::Error::Winapi(io) => io.raw_os_error(),
        _ => None,
    }
}

/// Registers (or updates) the service: auto-start, LocalSystem, restarted on failure.
pub fn install(data_dir: Option<&Path>) -> Result<()> {
    let exe = std::env::current_exe().context("chemin de l'exécutable")?;
    let dir = data_dir.map(|d| ["--data-dir".into(), d.as_os_str().to_owned()]);
    let run: [OsString; 2] = ["service".into(), "run".into()];
    let launch_arguments = dir.into_iter().flatten().chain(run).collect();
    let info = ServiceInfo {
        name: SERVICE_NAME.into(),
        display_name: DISPLAY_NAME.into(),
        service_type: ServiceType::OWN_PROCESS,
        start_type: ServiceStartType::AutoStart,
        error_control: ServiceErrorControl::Normal,
        executable_path: exe,
        launch_arguments,
        dependencies: vec![],
        account_name: None,
        account_password: None,
    };
    let scm = manager(ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE)?;
    let access = ServiceAccess::CHANGE_CONFIG | ServiceAccess::QUERY_STATUS | ServiceAccess::START;
    let service = match scm.create_service(&info, access) {
        Ok(service) => service,
        Err(e) if os_code(&e) == Some(ERROR_SERVICE_EXISTS) => {
            let service = scm.open_service(SERVICE_NAME, access)?;
            service
                .change_config(&info)
                .context("mise à jour du service existant")?;
            service
        }
        Err(e) => return Err(e).context("création du service"),
    };
    service
        .set_description(DESCRIPTION)
        .context("description du service")?;
    let restart = |secs| ServiceAction {
        action_type: ServiceActionType::Restart,
        delay: Duration::from_secs(secs),
    };
    service
        .update_failure_actions(ServiceFailureActions {
            reset_period: ServiceFailureResetPeriod::After(Duration::from_secs(24 * 3600)),
            reboot_msg: None,
            command: None,
            actions: Some(vec![restart(5), restart(10), restart(60)]),
        })
        .context("actions de récupération (redémarrage après échec)")?;
    // A non-zero exit counts as a failure too; wine refuses it, crashes still restart.
    if let Err(e) = service.set_failure_actions_on_non_crash_failures(true) {
        eprintln!(
            "avertissement: redémarrage après un arrêt en erreur non activé ({e}); \
             seuls les plantages seront suivis d'un redémarrage"
        );
    }
    println!("Service {SERVICE_NAME} installé (démarrage automatique).");
    Ok(())
}

pub fn uninstall() -> Result<()> {
    let access = ServiceAccess::QUERY_STATUS | ServiceAccess::STOP | ServiceAccess::DELETE;
    let Some(service) = stopped(SERVICE_NAME, access, "ouverture du service")? else {
        println!("Service {SERVICE_NAME} absent: rien à désinstaller.");
        return Ok(());
    };
    service.delete().context("suppression du service")?;
    println!("Service {SERVICE_NAME} désinstallé.");
    Ok(())
}

/// Stops and disables (not deletes) the original Python service: it holds port 22548.
pub fn disable_legacy() -> Result<()> {
    use windows::core::PCWSTR;
    use windows::Win32::System::Services::{
        ChangeServiceConfigW, ENUM_SERVICE_TYPE, SC_HANDLE, SERVICE_DISABLED, SERVICE_ERROR,
        SERVICE_NO_CHANGE,
    };
    let access = ServiceAccess::QUERY_STATUS | ServiceAccess::STOP | ServiceAccess::CHANGE_CONFIG;
    let Some(service) = stopped(
        LEGACY_SERVICE_NAME,
        access,
        &format!("ouverture de {LEGACY_SERVICE_NAME}"),
    )?
    else {
        println!("Ancien service {LEGACY_SERVICE_NAME} absent.");
        return Ok(());
    };
    // SAFETY: the handle is open with CHANGE_CONFIG; only the start type changes.
    unsafe {
        ChangeServiceConfigW(
            SC_HANDLE(service.raw_handle() as _),
            ENUM_SERVICE_TYPE(SERVICE_NO_CHANGE),
            SERVICE_DISABLED,
            SERVICE_ERROR(SERVICE_NO_CHANGE),
            PCWSTR::null(),
            PCWSTR::null(),
            None,
            PCWSTR::null(),
            PCWSTR::null(),
            PCWSTR::null(),
            PCWSTR::null(),
        )
    }
    .with_context(|| format!("désactivation de {LEGACY_SERVICE_NAME}"))?;
    println!("Ancien service {LEGACY_SERVICE_NAME} arrêté et désactivé (pas supprimé).");
    Ok(())
}

/// Service `name`; `None` when it is not installed.
fn find(name: &str, access: ServiceAccess, opening: &str) -> Result<Option<Service>> {
    match manager(ServiceManagerAccess::CONNECT)?.open_service(name, access) {
        Ok(s) => Ok(Some(s)),
        Err(e) if os_code(&e) == Some(ERROR_SERVICE_DOES_NOT_EXIST) => Ok(None),
        Err(e) => Err(e).context(opening.to_string()),
    }
}

/// Service `name`, stopped if it ran; `None` when it is not installed.
fn stopped(name: &str, access: ServiceAccess, opening: &str) -> Result<Option<Service>> {
    let Some(service) = find(name, access, opening)? else {
        return Ok(None);
    };
    if service.query_status()?.current_state != ServiceState::Stopped {
        let _ = service.stop();
        wait_for(&service, ServiceState::Stopped)?;
    }
    Ok(Some(service))
}

fn open(access: ServiceAccess) -> Result<Service> {
    find(SERVICE_NAME, access, "ouverture du service")?.with_context(|| {
        format!("service {SERVICE_NAME} non installé (odoo-pos-cashdrawer service install)")
    })
}

fn wait_for(service: &Service, want: ServiceState) -> Result<()> {
    let started = Instant::now();
    loop {
        let state = service.query_status()?.current_state;
        if state == want {
            return Ok(());
        }
        if started.elapsed() > STOP_WAIT {
            bail!("le service est resté dans l'état {state:?} (attendu: {want:?})");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn start() -> Result<()> {
    let service = open(ServiceAccess::START | ServiceAccess::QUERY_STATUS)?;
    if service.query_status()?.current_state == ServiceState::Running {
        println!("Service {SERVICE_NAME} déjà démarré.");
        return Ok(());
    }
    service
        .start::<&OsStr>(&[])
        .context("démarrage du service")?;
    wait_for(&service, ServiceState::Running)?;
    println!("Service {SERVICE_NAME} démarré.");
    Ok(())
}

pub fn stop() -> Result<()> {
    let service = open(ServiceAccess::STOP | ServiceAccess::QUERY_STATUS)?;
    if service.query_status()?.current_state != ServiceState::Stopped {
        service.stop().context("arrêt du service")?;
        wait_for(&service, ServiceState::Stopped)?;
    }
    println!("Service {SERVICE_NAME} arrêté.");
    Ok(())
}

/// Prints the state; fails when the service is not installed.
pub fn status() -> Result<()> {
    let service = open(ServiceAccess::QUERY_STATUS | ServiceAccess::QUERY_CONFIG)?;
    let state = service.query_status()?.current_state;
    let config = service.query_config()?;
    println!(
        "Service {SERVICE_NAME}: {}\n  démarrage: {:?}\n  commande: {}",
        state_fr(state),
        config.start_type,
        config.executable_path.display()
    );
    Ok(())
}

fn state_fr(state: ServiceState) -> &'static str {
    match state {
        ServiceState::Stopped => "arrêté",
        ServiceState::StartPending => "démarrage en cours",
        ServiceState::StopPending => "arrêt en cours",
        ServiceState::Running => "démarré",
        ServiceState::ContinuePending | ServiceState::PausePending | ServiceState::Paused => {
            "en pause"
        }
    }
}

windows_service::define_windows_service!(ffi_service_main, service_main);

/// `service run`: hands this thread to the SCM (from a console: error 1063 at once).
pub fn run() -> Result<()> {
    windows_service::service_dispatcher::start(SERVICE_NAME, ffi_service_main)
        .context("ceci est le point d'entrée du service Windows; en console, utiliser `serve`")
}

/// Called through a C callback with the arguments of `sc start`, not the registered
/// command line: the data folder is read again from the process's own.
fn service_main(_arguments: Vec<OsString>) {
    use clap::Parser;
    let data_dir = super::Cli::try_parse().map_or_else(
        |_| crate::platform::default_data_dir(),
        |cli| cli.data_dir(),
    );
    if let Err(e) = run_service(&data_dir) {
        record_failure(&data_dir, &e);
    }
}

fn report(handle: ServiceStatusHandle, state: ServiceState, exit: u32) -> Result<()> {
    let (accept, wait_hint) = match state {
        ServiceState::Running => (
            ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN,
            Duration::ZERO,
        ),
        ServiceState::Stopped => (ServiceControlAccept::empty(), Duration::ZERO),
        _ => (ServiceControlAccept::empty(), Duration::from_secs(15)),
    };
    handle.set_service_status(ServiceStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state: state,
        controls_accepted: accept,
        exit_code: if exit == 0 {
            ServiceExitCode::NO_ERROR
        } else {
            ServiceExitCode::ServiceSpecific(exit)
        },
        checkpoint: 0,
        wait_hint,
        process_id: None,
    })?;
    Ok(())
}

fn run_service(data_dir: &Path) -> Result<()> {
    let shutdown = Shutdown::new();
    let trigger = shutdown.clone();
    let handle = service_control_handler::register(SERVICE_NAME, move |control| match control {
        ServiceControl::Stop | ServiceControl::Shutdown => {
            trigger.trigger();
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    })?;
    report(handle, ServiceState::StartPending, 0)?;
    let result = (|| {
        let runtime = super::runtime()?;
        report(handle, ServiceState::Running, 0)?;
        let stopping = shutdown.wait();
        runtime.spawn(async move {
            stopping.await;
            let _ = report(handle, ServiceState::StopPending, 0);
        });
        let served = runtime.block_on(super::serve_until(
            data_dir.to_path_buf(),
            None,
            None,
            shutdown,
        ));
        // Dropping it would wait for a printer stuck in a write; the SCM wants "stopped".
        runtime.shutdown_timeout(Duration::from_secs(5));
        served
    })();
    // Exit code 1 on failure: the SCM then applies the recovery actions (restart).
    report(handle, ServiceState::Stopped, result.is_err().into())?;
    result
}

/// No console: a failure before the log is set up goes to `service-erreurs.log` too.
fn record_failure(data_dir: &Path, error: &anyhow::Error) {
    use std::io::Write;
    op!(error, "service.run", "error"; "{error:#}");
    let line = format!(
        "{} service {SERVICE_NAME}: {error:#}\r\n",
        chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
    );
    let _ = std::fs::create_dir_all(data_dir);
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.join("service-erreurs.log"))
    {
        let _ = f.write_all(line.as_bytes());
    }
}
