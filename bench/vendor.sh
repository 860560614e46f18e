#!/usr/bin/env bash
# Vendors the dependency tree of a typical web service into bench/vendor/ (gitignored),
# as a large real-world corpus for benches/throughput.rs.
#
#   bash bench/vendor.sh            # from the repo root; re-running replaces bench/vendor/
#
# Needs crates.io (or a warm ~/.cargo registry cache). Prints the number of .rs files and lines.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo_root/bench/vendor"
project="$(mktemp -d /tmp/panicfree-vendor.XXXXXX)"
trap 'rm -rf "$project"' EXIT

mkdir -p "$project/src"
echo 'fn main() {}' > "$project/src/main.rs"
cat > "$project/Cargo.toml" <<'TOML'
[package]
name = "bench-corpus-service"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
tokio = { version = "1", features = ["full"] }
axum = { version = "0.8", features = ["macros", "ws"] }
tower = { version = "0.5", features = ["full"] }
tower-http = { version = "0.6", features = ["full"] }
hyper = { version = "1", features = ["full"] }
sqlx = { version = "0.8", features = ["postgres", "sqlite", "mysql", "runtime-tokio", "tls-rustls", "chrono", "uuid", "json", "migrate", "macros"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
reqwest = { version = "0.12", features = ["json", "rustls-tls", "stream", "gzip"] }
tracing = "0.1"
tracing-subscriber = { version = "0.3", features = ["env-filter", "json"] }
clap = { version = "4", features = ["derive", "env"] }
regex = "1"
chrono = { version = "0.4", features = ["serde"] }
uuid = { version = "1", features = ["v4", "v7", "serde"] }
syn = { version = "2", features = ["full", "visit", "visit-mut", "fold", "extra-traits"] }
rand = "0.9"
anyhow = "1"
thiserror = "2"
config = "0.15"
jsonwebtoken = "9"
argon2 = "0.5"
prometheus = "0.14"
TOML

echo "resolving and vendoring in $project ..." >&2
(cd "$project" && cargo generate-lockfile -q && cargo vendor -q --versioned-dirs "$project/vendor" >/dev/null)

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$project/vendor" "$out"

# A workspace of the vendored crates, one version of each name (cargo allows no two
# members of one name), so that the benchmark runs the tool as a user would.
(
  cd "$out"
  printf '[workspace]\nresolver = "2"\nmembers = [\n'
  for d in */; do
    d=${d%/}
    printf '%s %s\n' "$(sed -n 's/^name = "\(.*\)"$/\1/p' "$d/Cargo.toml" | head -n 1)" "$d"
  done | sort -k1,1 -k2,2V | awk '{ last[$1] = $2 } END { for (n in last) print last[n] }' | sort | sed 's/.*/    "&",/'
  printf ']\n'
) > "$out/Cargo.toml.tmp"
mv "$out/Cargo.toml.tmp" "$out/Cargo.toml"

crates=$(find "$out" -mindepth 1 -maxdepth 1 -type d | wc -l)
files=$(find "$out" -name '*.rs' -type f | wc -l)
lines=$(find "$out" -name '*.rs' -type f -print0 | xargs -0 cat | wc -l)
bytes=$(find "$out" -name '*.rs' -type f -print0 | xargs -0 cat | wc -c)
members=$(grep -c '^    "' "$out/Cargo.toml")
echo "vendored $crates crates into $out ($members workspace members, one version of each): $files .rs files, $lines lines, $((bytes / 1000000)) MB"
