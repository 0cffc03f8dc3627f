//! The sandbox over real HTTP on 127.0.0.1, one test binary (one link) for every area.

mod auth;
mod batch;
mod checks;
mod common;
mod concurrency;
mod faults;
mod rate_limit;
mod reads;
mod restart;
mod serving;
