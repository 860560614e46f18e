//! The `example-service` binary: everything lives in [`example_service::runtime`].

fn main() -> std::process::ExitCode {
    example_service::runtime::main()
}
