"""Builds a service's image as `docker build` would, without Docker, so the rehearsal runs what the Dockerfile builds.

    python3 image.py REPO DOCKERFILE OUT_DIR

Every stage gets a folder standing for its file system (OUT_DIR/<stage>). COPY takes the build
context (REPO minus .dockerignore) or, with --from, another stage's files; RUN runs its command with
the stage's WORKDIR as the working folder, each container path in its words turned into the stage's
folder. The last stage is the
image: OUT_DIR/image.env holds its ENV (NAME=value lines), OUT_DIR/entrypoint its ENTRYPOINT (a word
per line), OUT_DIR/workdir the folder its WORKDIR became. An instruction or form this does not know
fails the build: a Dockerfile change cannot slip past unrehearsed.
"""
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

def fail(message):
    sys.exit(f"image: {message}")


def instructions(dockerfile):
    """(keyword, arguments) per instruction: comments dropped, continuation lines joined."""
    text = re.sub(r"\\\n", " ", Path(dockerfile).read_text())
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            yield keyword.upper(), rest.strip()


def ignore_patterns(repo):
    path = Path(repo) / ".dockerignore"
    patterns = [p.strip().rstrip("/") for p in path.read_text().splitlines() if p.strip() and not p.startswith("#")] if path.exists() else []
    if any(p.startswith("!") for p in patterns):
        fail(".dockerignore exceptions (!) are not rehearsed")
    return patterns


def ignored(relative, patterns):
    """True if RELATIVE (a context path, '/'-separated) or a folder above it matches a pattern."""
    parts = relative.split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        for pattern in patterns:
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
            # **/NAME matches NAME at any depth.
            if pattern.startswith("**/") and fnmatch.fnmatchcase(parts[i - 1], pattern[3:]):
                return True
    return False


def copy(source, target, into_folder, skip=lambda relative: False, base=""):
    """Docker's COPY of one source: a folder's contents go into TARGET, a file into it or onto it."""
    if source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for child in source.iterdir():
            relative = f"{base}/{child.name}" if base else child.name
            if not skip(relative):
                copy(child, target / child.name, False, skip, relative)
    else:
        destination = target / source.name if into_folder else target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)


def build(repo, dockerfile, out):
    repo, out = Path(repo).resolve(), Path(out).resolve()
    shutil.rmtree(out, ignore_errors=True)
    patterns = ignore_patterns(repo)
    stages, root, workdir = {}, None, "/"
    env, entrypoint = {}, []

    def inside(container_path):
        path = container_path if container_path.startswith("/") else f"{workdir.rstrip('/')}/{container_path}"
        return root / path.lstrip("/")

    for keyword, rest in instructions(dockerfile):
        if keyword == "FROM":
            words = rest.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            root, workdir, env, entrypoint = out / name, "/", {}, []
            stages[name] = root
            root.mkdir(parents=True)
        elif keyword == "WORKDIR":
            workdir = rest if rest.startswith("/") else f"{workdir.rstrip('/')}/{rest}"
            inside(workdir).mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            words = shlex.split(rest)
            source_root, skip = repo, lambda relative: ignored(relative, patterns)
            if words[0].startswith("--from="):
                source_root, skip = stages.get(words[0][7:]) or fail(f"COPY from unknown stage {words[0]}"), lambda relative: False
                words = words[1:]
            if any(w.startswith("--") for w in words) or len(words) < 2:
                fail(f"COPY {rest}: not rehearsed")
            *sources, target = words
            for source in sources:
                path = source_root / source.lstrip("/")
                if not path.exists():
                    fail(f"COPY {source}: no such file in the {'stage' if source_root != repo else 'build context'}")
                base = path.relative_to(source_root).as_posix()
                copy(path, inside(target), target.endswith("/") or target == "." or len(sources) > 1,
                     skip, "" if base == "." else base)
        elif keyword == "RUN":
            if rest.startswith("["):
                fail(f"RUN {rest}: the exec form is not rehearsed")
            if re.search(r"[;&|<>`$]", rest):
                fail(f"RUN {rest}: shell operators and variables are not rehearsed")
            # Every absolute path in a container is the container's own.
            words = [str(inside(w)) if w.startswith("/") else w for w in shlex.split(rest)]
            print(f"image: RUN {' '.join(words)}", file=sys.stderr)
            subprocess.run(words, cwd=inside(workdir), check=True, env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
        elif keyword == "ENV":
            for word in shlex.split(rest):
                name, separator, value = word.partition("=")
                if not separator:
                    fail(f"ENV {rest}: the NAME value form is not rehearsed")
                env[name] = value
        elif keyword == "ENTRYPOINT":
            entrypoint = json.loads(rest)
        elif keyword in ("USER", "EXPOSE"):
            pass  # The rehearsal runs every process as its own user, on loopback ports of its own.
        else:
            fail(f"{keyword}: not rehearsed")

    (out / "image.env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    (out / "entrypoint").write_text("".join(f"{w}\n" for w in entrypoint))
    (out / "workdir").write_text(f"{inside(workdir)}\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        fail("usage: image.py REPO DOCKERFILE OUT_DIR")
    try:
        build(*sys.argv[1:])
    except subprocess.CalledProcessError as error:
        fail(f"RUN failed with exit code {error.returncode}")
