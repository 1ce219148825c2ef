#!/usr/bin/env python3
"""Runs a command where the disk cannot be written as it normally can.

  run-limited.py --full-disk DIR KIB -- COMMAND...
      DIR is an empty file system of KIB KiB for the command: a tmpfs mounted
      in a private user and mount namespace, which needs no privileges; a
      write beyond its size fails with ENOSPC, as on a full disk.
  run-limited.py --file-size-limit KIB -- COMMAND...
      No file the command writes may grow beyond KIB KiB (RLIMIT_FSIZE, with
      SIGXFSZ ignored): a write past it fails with EFBIG, as a write to a
      full disk fails with ENOSPC. Needs no privileges and no namespaces.
  run-limited.py --read-only DIR -- COMMAND...
      DIR is read-only for the command: a read-only bind mount in a private
      user and mount namespace (also for root, for whom file permissions do
      not count), or, for other users, DIR with its write permissions
      removed.
  run-limited.py --can-make-read-only
      Exits 0 if --read-only works here (for lit's feature test).
  run-limited.py --can-mount
      Exits 0 if --full-disk works here (user namespaces are enabled).
"""
import os
import resource
import signal
import stat
import subprocess
import sys


def userns_works():
    try:
        return subprocess.run(["unshare", "-rm", "true"],
                              capture_output=True).returncode == 0
    except OSError:
        return False


def main():
    args = sys.argv[1:]
    if args == ["--can-make-read-only"]:
        sys.exit(0 if os.geteuid() != 0 or userns_works() else 1)
    if args == ["--can-mount"]:
        sys.exit(0 if userns_works() else 1)
    split = args.index("--")
    option, command = args[:split], args[split + 1:]
    if option[0] == "--full-disk":
        directory = os.path.abspath(option[1])
        os.makedirs(directory, exist_ok=True)
        script = f'mount -t tmpfs -o size={int(option[2])}k tmpfs "$0" && exec "$@"'
        os.execvp("unshare", ["unshare", "-rm", "sh", "-c", script,
                              directory, *command])
    if option[0] == "--file-size-limit":
        limit = int(option[1]) * 1024

        def apply_limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        sys.exit(subprocess.run(command, preexec_fn=apply_limit).returncode)
    if option[0] == "--read-only":
        directory = os.path.abspath(option[1])
        if os.geteuid() == 0:
            script = ('mount --bind "$0" "$0" && '
                      'mount -o remount,ro,bind "$0" "$0" && exec "$@"')
            os.execvp("unshare", ["unshare", "-rm", "sh", "-c", script,
                                  directory, *command])
        modes = {}
        for root, dirs, files in os.walk(directory):
            for name in [root] + [os.path.join(root, f) for f in files]:
                modes[name] = os.stat(name).st_mode
                os.chmod(name, modes[name] & ~(stat.S_IWUSR | stat.S_IWGRP
                                               | stat.S_IWOTH))
        try:
            sys.exit(subprocess.run(command).returncode)
        finally:
            for name, mode in modes.items():
                os.chmod(name, mode)
    sys.exit(f"unknown option {option[0]}")


if __name__ == "__main__":
    main()
