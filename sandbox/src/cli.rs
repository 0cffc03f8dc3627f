//! Command-line options. Hand-parsed: a handful of flags does not need a parser crate.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::Settings;
use crate::rate_limit::RateLimit;

pub const USAGE: &str = "usage: vbapi-sandbox [--addr 127.0.0.1:PORT] [--static DIR | --api-only] \
    [--db PATH|:memory:] [--faults] [--tenant FILE] [--cors-origin ORIGIN] \
    [--rate-limit off|RATE/BURST]";

#[derive(Debug, Clone)]
pub struct Options {
    pub addr: SocketAddr,
    pub settings: Settings,
}

impl Options {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut addr: SocketAddr = ([127, 0, 0, 1], 8080).into();
        let mut settings = Settings::default();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
            };
            match flag.as_str() {
                "--addr" => {
                    let text = value("--addr")?;
                    addr = text.parse().map_err(|_| {
                        format!("--addr {text:?} is not an address like 127.0.0.1:8080")
                    })?;
                }
                "--static" => settings.static_dir = Some(PathBuf::from(value("--static")?)),
                "--api-only" => settings.api_only = true,
                "--db" => settings.db = value("--db")?,
                "--faults" => settings.faults = true,
                "--tenant" => settings.tenant_file = Some(PathBuf::from(value("--tenant")?)),
                "--cors-origin" => settings.cors_origin = Some(value("--cors-origin")?),
                "--rate-limit" => settings.rate_limit = RateLimit::parse(&value("--rate-limit")?)?,
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown option {other:?}\n{USAGE}")),
            }
        }
        if settings.api_only && settings.static_dir.is_some() {
            return Err(format!(
                "--api-only serves no files: leave out --static\n{USAGE}"
            ));
        }
        Ok(Options { addr, settings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn defaults_to_loopback_8080() {
        let options = parse(&[]).unwrap();
        assert_eq!(options.addr.to_string(), "127.0.0.1:8080");
        assert!(options.settings.static_dir.is_none());
        assert!(options.settings.db.ends_with("sandbox.sqlite3"));
        assert!(!options.settings.faults);
        assert!(!options.settings.api_only);
        assert_eq!(options.settings.rate_limit, RateLimit::default());
    }

    #[test]
    fn reads_every_flag() {
        let options = parse(&[
            "--db",
            ":memory:",
            "--faults",
            "--tenant",
            "t.toml",
            "--cors-origin",
            "http://localhost:5173",
            "--rate-limit",
            "off",
        ])
        .unwrap();
        let settings = options.settings;
        assert_eq!(settings.db, ":memory:");
        assert!(settings.faults);
        assert_eq!(settings.tenant_file, Some(PathBuf::from("t.toml")));
        assert_eq!(
            settings.cors_origin.as_deref(),
            Some("http://localhost:5173")
        );
        assert_eq!(settings.rate_limit, RateLimit::Off);
        assert!(parse(&["--rate-limit", "lots"]).is_err());
    }

    #[test]
    fn reads_addr_and_static_dir() {
        let options = parse(&["--addr", "127.0.0.1:0", "--static", "dist"]).unwrap();
        assert_eq!(options.addr.port(), 0);
        assert_eq!(options.settings.static_dir, Some(PathBuf::from("dist")));
    }

    #[test]
    fn api_only_serves_no_files() {
        assert!(parse(&["--api-only"]).unwrap().settings.api_only);
        let err = parse(&["--api-only", "--static", "dist"]).unwrap_err();
        assert!(err.contains("leave out --static"), "{err}");
    }

    #[test]
    fn says_what_is_wrong() {
        assert!(
            parse(&["--addr", "nowhere"])
                .unwrap_err()
                .contains("nowhere")
        );
        assert!(
            parse(&["--static"])
                .unwrap_err()
                .contains("--static needs a value")
        );
        assert!(
            parse(&["--frobnicate"])
                .unwrap_err()
                .contains("--frobnicate")
        );
    }
}
