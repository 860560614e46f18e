#!/usr/bin/env python3
"""Differential test: cargo-panicfree's site rules against Clippy's restriction lints.

For each crate below (real crates from crates.io, not ours), this script

1. vendors the exact version into a work dir and makes it a stand-alone workspace;
2. runs `cargo clippy --release --lib --bins` (non-test code of the build a
   service ships: release profile, so no `debug_assertions`) once per feature set, with the
   lints unwrap_used, expect_used, indexing_slicing, panic, todo, unimplemented,
   unreachable forced on (`--force-warn`, so `#[allow(clippy::..)]` in the crate
   cannot hide a site: our tool ignores those attributes too), plus string_slice as
   a helper to classify `str` slicing;
3. runs cargo-panicfree on the crate (`--format json`, non-test code, the default);
4. matches sites per rule family by file and end position (both tools end a site
   after its closing `)` / `]`), then by file and end line, then by start line, and
   prints recall and precision per crate and overall;
5. classifies every unmatched site with heuristics (cfg'd-out code, str slicing,
   constant array index, path form, ...) and writes all of them, with their source
   lines, to bench/clippy-diff-report.md.

    python3 bench/clippy_diff.py [--only NAME ...] [--bin PATH] [--work DIR]

Python 3.11, standard library only. Needs cargo, clippy and crates.io (or a warm
registry cache). The work dir (default /tmp/panicfree-diff) is reused: vendored
sources and the shared clippy target dir are kept between runs.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

# name, exact version, extra feature sets to compile besides the defaults
# ("all" = --all-features; a list = --features a,b; a crate whose --all-features
# needs nightly gets an explicit list).
CRATES: list[tuple[str, str, list[str | list[str]]]] = [
    ("regex-syntax", "0.8.12", ["all"]),
    ("aho-corasick", "1.1.5", ["all"]),
    ("base64", "0.22.1", ["all"]),
    ("httparse", "1.10.1", ["all"]),
    ("smallvec", "1.16.6", [["const_generics", "const_new", "union", "write", "serde", "drain_filter", "drain_keep_rest"]]),
    ("bytes", "1.12.2", ["all"]),
    ("serde_json", "1.0.154", ["all"]),
    ("http", "1.5.0", ["all"]),
    ("semver", "1.0.27", ["all"]),
    ("memchr", "2.8.3", ["all"]),
    ("unicode-segmentation", "1.13.3", ["all"]),
    # --all-features would need `debugger_visualizer` files that are not packaged
    ("url", "2.5.8", [["serde", "expose_internals"]]),
    ("regex-automata", "0.4.19", ["all"]),
    ("clap_builder", "4.6.7", ["all"]),
    ("chrono", "0.4.45", [["serde", "unstable-locales"]]),
    ("h2", "0.4.20", ["all"]),
    ("toml", "1.2.2", ["all"]),
]

CLIPPY_LINTS = {
    "clippy::unwrap_used": "unwrap",
    "clippy::expect_used": "expect",
    "clippy::indexing_slicing": "indexing",
    "clippy::panic": "panic",
    "clippy::todo": "panic",
    "clippy::unimplemented": "panic",
    "clippy::unreachable": "panic",
}
# Not part of the comparison: used to explain our extra `indexing` sites.
HELPER_LINTS = {"clippy::string_slice": "string_slice"}
RULES = ["unwrap", "expect", "panic", "indexing"]

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "bench" / "clippy-diff-report.md"


@dataclasses.dataclass(frozen=True)
class Site:
    file: str  # relative to the crate root, `/` separators
    rule: str
    line: int
    col: int
    end_line: int
    end_col: int
    lint: str = ""  # clippy lint, or our rule id


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, text=True, capture_output=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd} ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc


# ---------------------------------------------------------------------------
# 1. sources


def fetch(name: str, version: str, work: Path) -> Path:
    """Vendors name==version (cached) and returns a fresh stand-alone copy of it."""
    vendor_root = work / "vendor" / f"{name}-{version}"

    def vendored() -> Path | None:
        # `cargo vendor --versioned-dirs` keeps build metadata: `toml-1.2.2+spec-1.1.0`
        for d in sorted((vendor_root / "vendor").glob(f"{name}-{version}*")):
            if d.name == f"{name}-{version}" or d.name.startswith(f"{name}-{version}+"):
                return d
        return None

    src = vendored()
    if src is None:
        shutil.rmtree(vendor_root, ignore_errors=True)
        (vendor_root / "src").mkdir(parents=True)
        (vendor_root / "src" / "lib.rs").write_text("")
        (vendor_root / "Cargo.toml").write_text(
            "[package]\nname = \"fetch-one\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n"
            f"[dependencies]\n{name} = \"={version}\"\n\n[workspace]\n"
        )
        run(["cargo", "vendor", "--versioned-dirs", "-q", "vendor"], vendor_root)
        src = vendored()
        if src is None:
            raise RuntimeError(f"cargo vendor did not produce {name} {version}")
    dest = work / "crates" / f"{name}-{version}"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest)
    (dest / ".cargo-checksum.json").unlink(missing_ok=True)
    manifest = dest / "Cargo.toml"
    text = manifest.read_text()
    if not re.search(r"^\[workspace\]", text, re.M):
        manifest.write_text(text + "\n[workspace]\n")
    return dest


def has_bins(crate: Path) -> bool:
    meta = json.loads(run(["cargo", "metadata", "--no-deps", "--format-version", "1"], crate).stdout)
    return any("bin" in t["kind"] for p in meta["packages"] for t in p["targets"])


# ---------------------------------------------------------------------------
# 2. clippy


@dataclasses.dataclass
class ClippyRun:
    label: str
    sites: set[Site]
    helper: set[Site]
    features: list[str]
    files: set[str]  # files rustc compiled (from dep-info), relative to the crate


def clippy(crate: Path, features: str | list[str] | None, work: Path, bins: bool) -> ClippyRun | None:
    # The release profile: the build a service ships, without debug assertions, so
    # `#[cfg(debug_assertions)]` code is not compiled (and not in our scope either).
    cmd = ["cargo", "clippy", "--release", "--lib", "--message-format=json", "--quiet"]
    if bins:
        cmd.append("--bins")
    label = "default features"
    if features == "all":
        cmd.append("--all-features")
        label = "--all-features"
    elif features:
        cmd += ["--features", ",".join(features)]
        label = "--features " + ",".join(features)
    cmd += ["--", "-A", "clippy::all"]
    for lint in [*CLIPPY_LINTS, *HELPER_LINTS]:
        cmd += ["--force-warn", lint]
    env = dict(os.environ, CARGO_TARGET_DIR=str(work / "target"))
    proc = run(cmd, crate, env=env, check=False)
    manifest = str((crate / "Cargo.toml").resolve())
    sites: set[Site] = set()
    helper: set[Site] = set()
    enabled: list[str] = []
    files: set[str] = set()
    for raw in proc.stdout.splitlines():
        try:
            msg = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if msg.get("manifest_path") != manifest:
            continue
        if msg.get("reason") == "compiler-artifact" and msg["target"]["kind"] != ["custom-build"]:
            enabled = msg.get("features", [])
            files |= dep_info_files(msg.get("filenames", []), crate)
        if msg.get("reason") != "compiler-message":
            continue
        if msg["target"]["kind"] == ["custom-build"]:
            continue  # build scripts are out of our scope (and of `--lib` in spirit)
        diag = msg["message"]
        code = (diag.get("code") or {}).get("code", "")
        if code not in CLIPPY_LINTS and code not in HELPER_LINTS:
            continue
        for span in diag["spans"]:
            if not span["is_primary"]:
                continue
            span = local_span(span, crate)
            if span is None:
                continue
            site = Site(
                file=span["file_name"],
                rule=CLIPPY_LINTS.get(code) or HELPER_LINTS[code],
                line=span["line_start"],
                col=span["column_start"],
                end_line=span["line_end"],
                end_col=span["column_end"],
                lint=code.removeprefix("clippy::"),
            )
            (sites if code in CLIPPY_LINTS else helper).add(site)
    if proc.returncode != 0:
        errors = [json.loads(r)["message"]["rendered"] for r in proc.stdout.splitlines()
                  if '"level":"error"' in r and '"compiler-message"' in r]
        log(f"    clippy ({label}) failed: {(errors[:1] or [proc.stderr[-600:]])[0].strip()[:600]}")
        return None
    return ClippyRun(label, sites, helper, enabled, files)


def local_span(span: dict, crate: Path) -> dict | None:
    """The span itself if it is in the crate's files, else its nearest macro call site that is."""
    while span is not None:
        name = span["file_name"]
        if not name.startswith("/") and not name.startswith("<") and (crate / name).is_file():
            return span
        exp = span.get("expansion")
        span = exp["span"] if exp else None
    return None


def dep_info_files(filenames: list[str], crate: Path) -> set[str]:
    """Source files of a compiled target, from the `.d` file next to its artifact."""
    out: set[str] = set()
    root = str(crate.resolve()) + "/"
    for artifact in filenames:
        p = Path(artifact)
        stem = p.stem.removeprefix("lib")
        dep = p.with_name(stem + ".d")
        if not dep.is_file():
            continue
        for line in dep.read_text().splitlines():
            _, _, deps = line.partition(": ")
            for d in deps.replace("\\ ", "\0").split():
                d = d.replace("\0", " ")
                if not d.endswith(".rs"):
                    continue
                if d.startswith(root):
                    out.add(d[len(root):])
                elif not d.startswith("/"):
                    out.add(d)  # workspace members are compiled with relative paths
    return out


# ---------------------------------------------------------------------------
# 3. our tool


def ours(crate: Path, name: str, binary: Path) -> tuple[set[Site], dict]:
    proc = run([str(binary), "--manifest-path", str(crate / "Cargo.toml"), "-p", name, "--format", "json"],
               crate, check=False)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"cargo-panicfree failed on {name} ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    sites = {
        Site(f["path"], f["rule"], f["line"], f["column"], f["end_line"], f["end_column"], f["rule"])
        for f in report["findings"]
        if f["rule"] in RULES
    }
    others = collections.Counter(f["rule"] for f in report["findings"] if f["rule"] not in RULES)
    return sites, {"summary": report["summary"], "other_rules": dict(others)}


# ---------------------------------------------------------------------------
# 4. matching


def match(clippy_sites: set[Site], our_sites: set[Site]) -> tuple[list[tuple[Site, Site, str]], list[Site], list[Site]]:
    """Pairs sites of the same rule family: exact end position first, then same end line."""
    left_c = sorted(clippy_sites, key=sort_key)
    left_o = sorted(our_sites, key=sort_key)
    pairs: list[tuple[Site, Site, str]] = []
    for how, key in (("end", lambda s: (s.file, s.rule, s.end_line, s.end_col)),
                     ("end-line", lambda s: (s.file, s.rule, s.end_line)),
                     ("start-line", lambda s: (s.file, s.rule, s.line))):
        pool: dict[tuple, list[Site]] = collections.defaultdict(list)
        for s in left_o:
            pool[key(s)].append(s)
        rest_c = []
        for c in left_c:
            bucket = pool.get(key(c))
            if bucket:
                pairs.append((c, bucket.pop(0), how))
            else:
                rest_c.append(c)
        left_c = rest_c
        left_o = [s for bucket in pool.values() for s in bucket]
        left_o.sort(key=sort_key)
    return pairs, left_c, left_o


def sort_key(s: Site) -> tuple:
    return (s.file, s.line, s.col, s.end_line, s.end_col, s.rule)


# ---------------------------------------------------------------------------
# 5. classification

TRUE_CFGS = {
    "unix", "panic=unwind", "target_os=linux", "target_family=unix",
    "target_arch=x86_64", "target_pointer_width=64", "target_endian=little", "target_env=gnu",
    "target_vendor=unknown", "target_feature=sse", "target_feature=sse2", "target_feature=fxsr",
    "target_has_atomic=8", "target_has_atomic=16", "target_has_atomic=32", "target_has_atomic=64",
    "target_has_atomic=ptr", "target_has_atomic", "overflow_checks", "feature_std_default",
}


def eval_cfg(expr: str, features: set[str]) -> bool:
    """Evaluates a cfg predicate for x86_64 Linux with these features (unknown names are false)."""
    tokens = re.findall(r'[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*"|[(),=]', expr)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def pred() -> bool:
        name = take()
        if name in ("all", "any", "not") and peek() == "(":
            take()
            vals = []
            while peek() not in (")", None):
                vals.append(pred())
                if peek() == ",":
                    take()
            take()
            if name == "all":
                return all(vals)
            if name == "any":
                return any(vals)
            return not vals[0] if vals else True
        if peek() == "=":
            take()
            value = take().strip('"')
            if name == "feature":
                return value in features
            return f"{name}={value}" in TRUE_CFGS
        return name in TRUE_CFGS

    try:
        return pred()
    except IndexError:
        return True


def strip_code(text: str) -> str:
    """The text with comments, strings and char literals blanked (same length, newlines kept)."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 300]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = len(re.match(r"r(#*)", text[i:]).group(1))
            end = text.find('"' + "#" * hashes, i + 2 + hashes)
            j = n if end < 0 else end + 1 + hashes
            blank(i, j)
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(i, j + 1)
            i = j + 1
        elif c == "'":
            m = re.match(r"'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'\n])'", text[i:i + 16])
            if m:
                blank(i, i + m.end())
                i += m.end()
            else:
                i += 1  # a lifetime
        else:
            i += 1
    return "".join(out)


class SourceFile:
    def __init__(self, path: Path):
        self.text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        self.lines = self.text.splitlines()
        self.code = strip_code(self.text)
        self.line_starts = [0]
        for m in re.finditer("\n", self.text):
            self.line_starts.append(m.end())
        self._blocks: list[tuple[int, int, int]] | None = None

    def line(self, n: int) -> str:
        return self.lines[n - 1] if 0 < n <= len(self.lines) else ""

    def offset(self, line: int, col: int) -> int:
        start = self.line_starts[line - 1] if 0 < line <= len(self.line_starts) else len(self.text)
        return start + max(col - 1, 0)

    def blocks(self) -> list[tuple[int, int, int]]:
        """(open, close, header start) for every `{...}`; the header is the code since the previous `;{}`."""
        if self._blocks is None:
            self._blocks = []
            stack: list[tuple[int, int]] = []
            boundary = 0
            for i, ch in enumerate(self.code):
                if ch == "{":
                    stack.append((i, boundary))
                    boundary = i + 1
                elif ch == "}":
                    if stack:
                        open_, hdr_start = stack.pop()
                        self._blocks.append((open_, i, hdr_start))
                    boundary = i + 1
                elif ch == ";":
                    boundary = i + 1
        return self._blocks

    def context(self, line: int, col: int) -> list[tuple[int, int]]:
        """Headers (start, end) of the blocks enclosing a position, innermost first,
        after the head of the statement the position is in."""
        at = self.offset(line, col)
        enclosing = [(o, c, h) for (o, c, h) in self.blocks() if o < at <= c]
        enclosing.sort(key=lambda b: -b[0])
        inner_open = enclosing[0][0] + 1 if enclosing else 0
        stmt_start = max(self.code.rfind(";", inner_open, at), self.code.rfind("}", inner_open, at), inner_open - 1) + 1
        return [(stmt_start, at)] + [(h, o) for (o, _, h) in enclosing]

    def header_code(self, span: tuple[int, int]) -> str:
        """A header without comments and string contents."""
        return self.code[span[0]:span[1]]

    def cfgs_in(self, span: tuple[int, int]) -> list[str]:
        """The predicates of the `#[cfg(..)]` attributes in a header (not in comments)."""
        out = []
        code = self.code
        for m in re.finditer(r"#\s*!?\s*\[\s*cfg\s*\(", code[span[0]:span[1]]):
            start = span[0] + m.end()
            depth, j = 1, start
            while j < span[1] and depth:
                depth += {"(": 1, ")": -1}.get(code[j], 0)
                j += 1
            out.append(self.text[start:j - 1])  # the original text: cfg values are strings
        return out


def classify_extra(s: Site, src: SourceFile, runs: list[ClippyRun], helper: set[Site]) -> str:
    """Why a site we report has no Clippy counterpart (a best guess from the text)."""
    if not any(s.file in r.files for r in runs):
        return "cfg'd-out file: module not compiled on x86_64 Linux with the tested features"
    spans = src.context(s.line, s.col)
    ctx = [src.header_code(h) for h in spans]
    for header in spans:
        for cfg in src.cfgs_in(header):
            if not any(eval_cfg(cfg, set(r.features)) for r in runs):
                return "cfg'd-out code: under a #[cfg] false on x86_64 Linux with the tested features"
    text = src.line(s.line)
    snippet = site_text(s, src)
    before = text[:s.col - 1].rstrip()
    if s.rule == "indexing" and before[-1:] in ("@", "#", "$") and re.match(r"[A-Za-z_]\w*\s+\[", snippet):
        return "OUR BUG: macro tokens `@name [..]` re-parsed as the index expression `name[..]`"
    if any(re.search(r"macro_rules\s*!", h) for h in ctx):
        if s.rule == "indexing":
            return ("inside a macro_rules! body: Clippy lints indexing in expansions only where the macro is "
                    "expanded in compiled code on a slice/array/Vec")
        return "inside a macro_rules! body: Clippy does not lint unwrap/expect/panic coming from a macro expansion"
    if any(re.search(r"\bconst\b[^=]*=|\bstatic\b[^=]*=", h) for h in ctx[:1]) or any(
        re.search(r"\bconst\s*$", h) for h in ctx[1:2]
    ):
        return "const/static initialiser or const block (evaluated at compile time)"
    if s.rule == "indexing":
        helper_hit = any(h.file == s.file and h.end_line == s.end_line and h.end_col == s.end_col for h in helper)
        if helper_hit:
            return "indexing: `str` slicing (clippy::string_slice, not indexing_slicing)"
        index = snippet[snippet.find("[") + 1:-1] if "[" in snippet else ""
        if re.fullmatch(r"\s*(?:\d[\d_]*(?:usize|u8|u16|u32|u64|i32)?|[A-Z][A-Z0-9_]*)\s*", index):
            return "indexing: constant index (clippy skips in-bounds constant indices into arrays)"
        const = r"(?:\d[\d_]*(?:usize)?|[A-Z][A-Z0-9_]*)?"
        if re.fullmatch(rf"\s*{const}\s*\.\.=?\s*{const}\s*", index):
            return "indexing: constant range (clippy skips in-bounds constant ranges into arrays)"
        if re.match(r"\s*&|\s*\"", index):
            return "indexing: map-like index by reference/str key (HashMap/BTreeMap/custom Index: clippy skips)"
        return "indexing: receiver not a slice/array/Vec (custom Index, map), or provably in bounds"
    if s.rule == "unwrap" and re.search(r"\btry_from\([^()]*\)\s*$", src.line(s.line)[:s.col - 1].rstrip(". \t")
                                        or src.line(s.line - 1).rstrip().rstrip(".")):
        return "unwrap: on `T::try_from(x)` that is infallible for the type (`Result<_, Infallible>`; clippy skips)"
    if s.rule == "unwrap" and re.search(r"\b(?:Option|Result)\s*::\s*unwrap", snippet):
        return "unwrap: `Option::unwrap`/`Result::unwrap` as a path (clippy's unwrap_used flags only calls)"
    if s.rule in ("unwrap", "expect"):
        return (f"{s.rule}: receiver is not Option/Result (a type's own `{s.rule}`, e.g. chrono's "
                f"`MappedLocalTime::unwrap`) or cannot fail (`Result<_, Infallible>`): Clippy needs types")
    if s.rule == "panic" and "panic_any" in snippet:
        return "panic: `panic_any` call that Clippy did not report here"
    if s.rule == "panic":
        return "panic: macro not linted by clippy here (const context, or a shadowing/other macro)"
    return "unclassified"


def classify_missed(c: Site, src: SourceFile, our_files: set[str]) -> str:
    """Why a Clippy site has no counterpart in our report (a best guess)."""
    ctx = [src.header_code(h) for h in src.context(c.line, c.col)]
    # `if cfg!(debug_assertions) { .. }` is compiled (as `if false`) by `cargo clippy --release`,
    # so Clippy lints it, but it never runs in a release build: out of our scope by contract.
    if any(re.search(r"(?<![!\w])if\s+cfg!\s*\(\s*debug_assertions\s*\)\s*$", h) for h in ctx[1:]):
        return ("out of scope by contract: inside `if cfg!(debug_assertions) { .. }` (Clippy --release "
                "compiles it as dead code; it never runs in a release build)")
    if c.file not in our_files:
        return "MISSED: file with no findings of ours at all (module not reached by our mod walk?)"
    if any(re.search(r"macro_rules\s*!", h) for h in ctx):
        return "MISSED: inside a macro_rules! definition"
    return "MISSED: unclassified (suspected bug)"


def in_debug_block(c: Site, src: SourceFile) -> bool:
    """Whether a site sits in the block of `if cfg!(debug_assertions) { .. }`."""
    ctx = [src.header_code(h) for h in src.context(c.line, c.col)]
    return any(re.search(r"(?<![!\w])if\s+cfg!\s*\(\s*debug_assertions\s*\)\s*$", h) for h in ctx[1:])


def in_macro_rules(s: Site, src: SourceFile) -> bool:
    return any(re.search(r"macro_rules\s*!", src.header_code(h)) for h in src.context(s.line, s.col))


def site_text(s: Site, src: SourceFile) -> str:
    if s.line == s.end_line:
        return src.line(s.line)[s.col - 1:s.end_col - 1]
    first = src.line(s.line)[s.col - 1:]
    last = src.line(s.end_line)[:s.end_col - 1]
    return f"{first} … {last.strip()}"


# ---------------------------------------------------------------------------
# main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", help="crate names to run (default: all)")
    ap.add_argument("--bin", type=Path, help="cargo-panicfree binary (default: build target/release)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/panicfree-diff"))
    ap.add_argument("--report", type=Path, default=REPORT)
    args = ap.parse_args()

    binary = args.bin
    if binary is None:
        log("building cargo-panicfree (release) ...")
        run(["cargo", "build", "--release", "--quiet"], REPO)
        target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
        binary = (target if target.is_absolute() else REPO / target) / "release" / "cargo-panicfree"
    binary = binary.resolve()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    totals = {r: collections.Counter() for r in RULES}
    per_crate: list[tuple[str, dict[str, collections.Counter]]] = []
    unmatched_sections: list[str] = []
    class_counts: collections.Counter[tuple[str, str]] = collections.Counter()
    class_examples: dict[tuple[str, str], str] = {}
    crate_notes: list[str] = []
    notable: list[str] = []  # matched pairs worth a look

    crates = [c for c in CRATES if not args.only or c[0] in args.only]
    failures: list[str] = []  # feature sets or crates Clippy could not build
    for name, version, feature_sets in crates:
        started = time.time()
        log(f"== {name} {version}")
        crate = fetch(name, version, work)
        bins = has_bins(crate)
        runs = []
        for fs in [None, *feature_sets]:
            r = clippy(crate, fs, work, bins)
            if r is not None:
                runs.append(r)
            else:
                failures.append(f"{name} {version} (features: {fs or 'default'})")
        if not runs:
            crate_notes.append(f"- {name} {version}: clippy could not build it; skipped")
            continue
        clippy_sites = set().union(*(r.sites for r in runs))
        helper = set().union(*(r.helper for r in runs))
        our_sites, our_meta = ours(crate, name, binary)
        crate_notes.append(
            f"- {name} {version}: clippy --release {'--lib --bins' if bins else '--lib'} with "
            + "; ".join(f"{r.label} (features: {', '.join(r.features) or 'none'})" for r in runs)
            + f"; we checked {our_meta['summary'].get('files')} files"
        )

        counts: dict[str, collections.Counter] = {r: collections.Counter() for r in RULES}
        lines = [f"\n### {name} {version}\n"]
        sources: dict[str, SourceFile] = {}

        def src_of(f: str) -> SourceFile:
            if f not in sources:
                sources[f] = SourceFile(crate / f)
            return sources[f]

        our_files = {s.file for s in our_sites}
        for rule in RULES:
            # Clippy --release lints `if cfg!(debug_assertions) { .. }` blocks as dead
            # code; they never run in a release build and are out of scope by
            # contract, so they are not part of the reference (but are listed).
            every = {s for s in clippy_sites if s.rule == rule}
            out_of_scope = {c for c in every if in_debug_block(c, src_of(c.file))}
            cs = every - out_of_scope
            counts[rule].update(clippy_out_of_scope=len(out_of_scope))
            for c in sorted(out_of_scope, key=sort_key):
                notable.append(f"- {name}: `{c.file}:{c.line}:{c.col}` {rule}, a Clippy site inside "
                               f"`if cfg!(debug_assertions)`, out of scope: "
                               f"`{src_of(c.file).line(c.line).strip()[:160]}`")
            os_ = {s for s in our_sites if s.rule == rule}
            pairs, missed, extra = match(cs, os_)
            counts[rule].update(clippy=len(cs), ours=len(os_), matched=len(pairs),
                                matched_by_line=sum(1 for p in pairs if p[2] != "end"))
            for c, o, how in pairs:
                if in_macro_rules(c, src_of(c.file)):
                    counts[rule]["matched_in_macro_rules"] += 1
                    notable.append(f"- {name}: `{c.file}:{c.line}:{c.col}` {rule}, matched inside a macro_rules! body: "
                                   f"`{src_of(c.file).line(c.line).strip()[:160]}`")
                if how != "end":
                    notable.append(f"- {name}: `{c.file}` {rule}, matched on the {how} only: clippy "
                                   f"{c.line}:{c.col}-{c.end_line}:{c.end_col}, ours {o.line}:{o.col}-{o.end_line}:{o.end_col}: "
                                   f"`{src_of(c.file).line(c.line).strip()[:160]}`")
            rows = []
            for c in missed:
                cls = classify_missed(c, src_of(c.file), our_files)
                rows.append((c, "clippy only", cls))
            for s in extra:
                cls = classify_extra(s, src_of(s.file), runs, helper)
                rows.append((s, "ours only", cls))
                if cls.startswith("cfg'd-out"):
                    counts[rule]["ours_cfg_out"] += 1
                elif cls.startswith("inside a macro_rules!"):
                    counts[rule]["ours_macro_rules"] += 1
            for site, side, cls in sorted(rows, key=lambda r: sort_key(r[0])):
                src = src_of(site.file)
                text = src.line(site.line).strip()
                key = (rule, cls)
                class_counts[key] += 1
                class_examples.setdefault(key, f"{name} `{site.file}:{site.line}` `{text[:140]}`")
                lines.append(f"- {side}: `{site.file}:{site.line}:{site.col}` {rule} ({site.lint}) "
                             f"`{site_text(site, src)[:80]}` — {cls}\n"
                             f"  `{text[:200]}`")
        for rule in RULES:
            totals[rule].update(counts[rule])
        per_crate.append((f"{name} {version}", counts))
        unmatched_sections.append("\n".join(lines) if len(lines) > 1 else f"\n### {name} {version}\n\n(no differences)")
        log(f"   done in {time.time() - started:.0f}s: " + ", ".join(
            f"{r} {counts[r]['matched']}/{counts[r]['clippy']}c/{counts[r]['ours']}o" for r in RULES))

    table = render_table(per_crate, totals)
    print(table)
    write_report(args.report, crate_notes, table, class_counts, class_examples, notable, unmatched_sections)
    log(f"report: {args.report}")
    if failures:
        # A crate that does not build would silently shrink the reference.
        log("clippy could not build: " + "; ".join(failures))
        return 1
    return 0


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def render_table(per_crate, totals) -> str:
    head = ("| crate | rule | clippy | ours | matched | recall | precision | precision, compiled code | "
            "precision, compiled code outside macro_rules! |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n")

    def row(crate: str, rule: str, c: collections.Counter) -> str:
        compiled = c["ours"] - c["ours_cfg_out"]
        return (f"| {crate} | {rule} | {c['clippy']} | {c['ours']} | {c['matched']} | "
                f"{pct(c['matched'], c['clippy'])} | {pct(c['matched'], c['ours'])} | "
                f"{pct(c['matched'], compiled)} | {pct(c['matched'], compiled - c['ours_macro_rules'])} |")

    rows = []
    for crate, counts in [*per_crate, ("**all crates**", totals)]:
        rows += [row(crate, rule, counts[rule]) for rule in RULES]
    c = collections.Counter()
    for rule in ("unwrap", "expect", "panic"):
        c.update(totals[rule])
    rows.append(row("**all crates**", "unwrap+expect+panic", c))
    by_line = sum(totals[r]["matched_by_line"] for r in RULES)
    in_macros = sum(totals[r]["matched_in_macro_rules"] for r in RULES)
    debug_only = sum(totals[r]["clippy_out_of_scope"] for r in RULES)
    return (head + "\n".join(rows)
            + f"\n\nMatched on exact end position, except {by_line} matched on the line only. "
            f"{in_macros} matched Clippy sites lie inside macro_rules! bodies. "
            f"{debug_only} Clippy sites inside `if cfg!(debug_assertions)` blocks are out of scope "
            "by contract and left out of the reference (listed below).\n"
            "\"Compiled code\" leaves out our sites in code Clippy did not compile (cfg'd-out files and items, "
            "as classified below); the last column also leaves out our sites inside macro_rules! bodies, "
            "which Clippy does not lint.\n")


def write_report(path, notes, table, class_counts, class_examples, notable, sections) -> None:
    out = ["# Clippy differential report\n",
           "Generated by `python3 bench/clippy_diff.py`; re-running overwrites this file.",
           "Clippy: `cargo clippy --release --lib [--bins]` with the restriction lints forced on "
           "(`--force-warn`), once per feature set, sites unioned. Ours: `cargo-panicfree --format json` "
           "(non-test code). Sites are matched per rule on file and end position, then on end line.",
           "The classes below are automatic guesses; `bench/README.md` has the hand-reviewed classes "
           "and the suspected bugs with minimal repros.\n",
           "## Crates\n", *notes, "", "## Results\n", table,
           "## Difference classes (automatic, heuristic)\n",
           "| rule | class | count | example |", "|---|---|---:|---|"]
    for (rule, cls), n in sorted(class_counts.items(), key=lambda kv: (kv[0][0], -kv[1])):
        example = class_examples[(rule, cls)].replace("|", "\\|")
        out.append(f"| {rule} | {cls} | {n} | {example} |")
    out += ["", "## Matched sites worth a look\n", *(notable or ["(none)"]),
            "", "## Every unmatched site", *sections, ""]
    path.write_text("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
