//! Command-line options. Hand-parsed: a handful of flags does not need a parser crate.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::Settings;

pub const USAGE: &str = "usage: vbapi-sandbox [--addr 127.0.0.1:PORT] [--static DIR]";

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
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown option {other:?}\n{USAGE}")),
            }
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
    }

    #[test]
    fn reads_addr_and_static_dir() {
        let options = parse(&["--addr", "127.0.0.1:0", "--static", "dist"]).unwrap();
        assert_eq!(options.addr.port(), 0);
        assert_eq!(options.settings.static_dir, Some(PathBuf::from("dist")));
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
