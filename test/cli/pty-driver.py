"""Runs a command in a real pseudo-terminal and types into it like a person: for each step, wait until the screen
shows `expect`, then send `send` (keys: "\r" Enter, "\x1b[B" arrow down, " " space, "\x03" Ctrl-C).

    python3 pty-driver.py '<argv as JSON>' '<steps as JSON>' '<cwd>'

Prints {"code": exit code, "transcript": what the terminal showed, escape sequences removed} as JSON. Python's
standard pty module: nothing to install, unlike node-pty's native build.
"""
import fcntl, json, os, pty, re, select, struct, sys, termios, time

argv, steps, cwd = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
ansi = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]")

pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.execvp(argv[0], argv)

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
screen = b""

def read(timeout):
    global screen
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return False
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # the child closed the terminal (EIO on Linux)
        return None
    if not chunk:
        return None
    screen += chunk
    return True

def text():
    return ansi.sub(b"", screen).decode("utf8", "replace")

for step in steps:
    seen = len(text())
    deadline = time.time() + 30
    while step["expect"] not in text()[step.get("from", 0):]:
        if time.time() > deadline or read(0.2) is None:
            print(json.dumps({"code": None, "transcript": text(), "waitingFor": step["expect"]}))
            os.kill(pid, 9)
            sys.exit(0)
    time.sleep(0.05)  # let the prompt finish drawing, as a person would
    os.write(fd, step["send"].encode())

while read(30) is not None:
    pass
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "transcript": text()}))
