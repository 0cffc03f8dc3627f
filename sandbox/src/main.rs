use std::process::ExitCode;

use vbapi_sandbox::App;
use vbapi_sandbox::cli::Options;

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
    // Graceful: in-flight requests finish; a batch is one SQLite transaction either way.
    if let Err(err) = axum::serve(listener, router)
        .with_graceful_shutdown(stop_signal())
        .await
    {
        eprintln!("server stopped: {err}");
        return ExitCode::FAILURE;
    }
    eprintln!("stopped");
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
