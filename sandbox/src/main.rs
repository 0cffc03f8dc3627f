use std::process::ExitCode;

use vbapi_sandbox::App;
use vbapi_sandbox::cli::Options;

/// How long a stop waits for requests in flight.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let app = match App::new(options.settings) {
        Ok(app) => app,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(options.addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {}: {err}", options.addr);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    for line in app.tenant.summary() {
        println!("{line}");
    }
    println!("database: {}", app.settings.db);
    // Tests and `cargo xtask` wait for exactly this line.
    println!("listening on http://{addr}");
    let router = app.router();
    // Graceful: requests in flight finish. A client that never finishes cannot hold the
    // stop for ever; a batch cut short is still rolled back whole by SQLite.
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        stop_signal().await;
        let _ = stopping.send(());
    });
    let grace = async move {
        if stopped.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server => {
            if let Err(err) = result {
                eprintln!("server stopped: {err}");
                return ExitCode::FAILURE;
            }
            eprintln!("stopped");
        }
        () = grace => eprintln!("stopped with requests still open after {SHUTDOWN_GRACE:?}"),
    }
    ExitCode::SUCCESS
}

/// Ctrl-C or SIGTERM (what `kill` and process supervisors send).
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
