"""Shared helpers of the benchmarks in bench/: /proc sampling, child processes, machine facts.

Standard library only; run the scripts with /usr/bin/python3. Linux only (reads /proc).
"""

import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
SETPRIV = shutil.which("setpriv")
PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(PROJECT, "bin", "vod-recorder")


def launcher_java(java_home=None):
    """The java executable bin/vod-recorder would start (the first Java 21+ of JAVA_HOME, or
    java_home when given, java on the PATH and /usr/lib/jvm); exits with its message when none."""
    env = dict(os.environ)
    if java_home:
        env["JAVA_HOME"] = java_home
    found = subprocess.run([LAUNCHER, "--print-java"], env=env, capture_output=True, text=True)
    if found.returncode != 0:
        raise SystemExit(found.stderr.strip())
    return os.path.realpath(found.stdout.strip())


def recorder_command(java, jar, jvm_options):
    """Starts the recorder as users do, through bin/vod-recorder, with exactly this java. JVM
    options: None leaves VOD_RECORDER_JAVA_OPTS unset, so the launcher's defaults apply; a list
    (even an empty one) replaces them (split at blanks by the launcher). Returns argv, the
    environment variables to add (None = remove), and the whole as one readable line. The launcher
    execs the JVM, so the child's PID is the JVM's."""
    env = {"JAVA_HOME": os.path.dirname(os.path.dirname(os.path.realpath(java))), "VOD_RECORDER_JAR": jar,
           "VOD_RECORDER_JAVA_OPTS": None if jvm_options is None else " ".join(jvm_options)}
    shown = " ".join("%s=%s" % (name, shlex.quote(value)) for name, value in env.items() if value is not None)
    return [LAUNCHER], env, shown + " " + LAUNCHER


def with_jfr(env, shown):
    """Profiles the recorder with JFR (settings=profile, recording "bench", dumped by the caller with
    jcmd) through JAVA_TOOL_OPTIONS in env, so that the variant's JVM options, and with them the AOT
    cache the launcher picks for those options, stay as they are. Returns the command line as
    recorder_command showed it, with that variable in front."""
    env["JAVA_TOOL_OPTIONS"] = (env.get("JAVA_TOOL_OPTIONS", "") + " -XX:StartFlightRecording=settings=profile,name=bench").strip()
    return "JAVA_TOOL_OPTIONS=%s %s" % (shlex.quote(env["JAVA_TOOL_OPTIONS"]), shown)


def with_launch_env(env, launch_env):
    """env with the launcher's variables applied (a None value removes the variable)."""
    merged = dict(env)
    for name, value in launch_env.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def jvm_options(text):
    """--jvm-opts as recorder_command wants it: None (not given: the launcher's defaults) or a list."""
    return None if text is None else shlex.split(text)


class Variant:
    """One way of running the recorder in a benchmark: a label, a jar and JVM options (None: the
    launcher's defaults). Parsed from LABEL=JAR or LABEL=JAR:OPTIONS (JAR may be empty: the
    default jar; OPTIONS after the first ':' may be empty: no options at all)."""

    def __init__(self, label, jar, options):
        self.label = label
        self.jar = os.path.abspath(jar)
        self.options = options

    @staticmethod
    def parse(text, default_jar):
        label, _, rest = text.partition("=")
        jar, colon, options = rest.partition(":")
        return Variant(label, jar or default_jar, shlex.split(options) if colon else None)

    def describe(self):
        options = "launcher defaults" if self.options is None else (" ".join(self.options) or "no options")
        return "%s (%s, %s)" % (self.label, os.path.basename(self.jar), options)


def die_with_us(command):
    """Prefixes argv so that the kernel kills the child when this script dies, even by SIGKILL.

    Same mechanism as the recorder's own children (setpriv --pdeathsig KILL). The signal is tied
    to the thread that starts the child: start every child from the main thread.
    """
    return ([SETPRIV, "--pdeathsig", "KILL", "--"] if SETPRIV else []) + list(command)


# ---------------------------------------------------------------------------------------------
# /proc readers. Every reader returns None when the process is gone.

def read_stat(pid):
    """Fields of /proc/PID/stat: comm, state, ppid, cpu (utime+stime s), children_cpu
    (cutime+cstime s: waited-for children), threads, start (seconds since boot)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except (OSError, ValueError):
        return None
    close = data.rindex(")")
    comm = data[data.index("(") + 1:close]
    rest = data[close + 2:].split()
    # rest[i] is field i + 3 of proc(5)
    return {
        "comm": comm,
        "state": rest[0],
        "ppid": int(rest[1]),
        "cpu": (int(rest[11]) + int(rest[12])) / CLK_TCK,
        "children_cpu": (int(rest[13]) + int(rest[14])) / CLK_TCK,
        "threads": int(rest[17]),
        "start": int(rest[19]) / CLK_TCK,
    }


def read_status_kb(pid, keys=("VmRSS", "VmHWM")):
    """Values in kB of /proc/PID/status lines (VmRSS, VmHWM, ...); missing keys are left out."""
    values = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in keys:
                    values[name] = int(value.split()[0])
    except (OSError, ValueError):
        return None
    return values


def read_pss_kb(pid):
    """Proportional set size from /proc/PID/smaps_rollup, or None when unreadable."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def read_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            raw = f.read()
    except OSError:
        return None
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0")[:-1]]


def read_cwd(pid):
    try:
        return os.readlink("/proc/%d/cwd" % pid)
    except OSError:
        return None


def thread_cpu(pid):
    """{tid: (thread name, cpu s)} of every thread of pid; names are cut to 15 characters."""
    threads = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return threads
    for tid in tids:
        stat = read_stat_path("/proc/%d/task/%s/stat" % (pid, tid))
        if stat is not None:
            threads[int(tid)] = stat
    return threads


def read_stat_path(path):
    try:
        with open(path) as f:
            data = f.read()
    except (OSError, ValueError):
        return None
    close = data.rindex(")")
    rest = data[close + 2:].split()
    return data[data.index("(") + 1:close], (int(rest[11]) + int(rest[12])) / CLK_TCK


def children_of(parent_pids):
    """{pid: stat} of every process whose parent is in parent_pids (one pass over /proc)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = read_stat(int(entry))
        if stat is not None and stat["ppid"] in parent_pids:
            found[int(entry)] = stat
    return found


def since_boot():
    """Seconds since boot on the clock of /proc/PID/stat's start time (CLOCK_BOOTTIME)."""
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def machine_busy_seconds():
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # guest time is already inside user
    return (total - idle) / CLK_TCK, total / CLK_TCK


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


# ---------------------------------------------------------------------------------------------
# Waiting for a child without reaping it, so that its final /proc/PID/stat stays readable.

def wait_exit_unreaped(pid, timeout):
    """Waits until pid (our child) has exited, without reaping it. True when it exited in time.

    While the child is a zombie its /proc/PID/stat holds its final CPU times, including those of
    the children it waited for (cutime/cstime): exact totals, no sampling error.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
        if result is not None:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def final_cpu(popen, timeout):
    """Waits for popen's exit and returns (own cpu s, waited-for children's cpu s, exit code).

    Returns None when it did not exit in time (the caller kills it)."""
    if not wait_exit_unreaped(popen.pid, timeout):
        return None
    stat = read_stat(popen.pid)
    code = popen.wait()
    if stat is None:
        return None
    return stat["cpu"], stat["children_cpu"], code


# ---------------------------------------------------------------------------------------------

class ProcessSampler:
    """Samples a root process and its direct children named child_comm every interval seconds.

    Keeps: peak RSS/PSS of the root, peak of the children's summed RSS/PSS, the last CPU seen per
    child, the last CPU seen per root thread (for a per-thread breakdown), the number of children
    over time, the machine's load. Runs on its own daemon thread; call stop() before reading.
    """

    def __init__(self, root_pid, child_comm="ffmpeg", interval=0.5, threads=False):
        self.root_pid = root_pid
        self.child_comm = child_comm
        self.interval = interval
        self.sample_threads = threads
        self.root_peak_rss_kb = 0
        self.root_peak_pss_kb = 0
        self.root_hwm_kb = 0
        self.root_cpu = 0.0
        self.children_peak_rss_kb = 0
        self.children_peak_pss_kb = 0
        self.children_peak_count = 0
        self.children = {}  # pid -> {"start", "cpu", "cmdline", "cwd", "first_cpu"}
        self.thread_last = {}  # tid -> (name, cpu)
        self.max_load1 = 0.0
        self.samples = 0
        self.sampling_seconds = 0.0
        self.marks = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join()

    def children_cpu(self):
        with self._lock:
            return sum(child["cpu"] for child in self.children.values())

    def mark(self, name):
        """Remembers now: the root's CPU, its threads' CPU, the children's CPU and the time."""
        self.sample_once()
        with self._lock:
            self.marks[name] = {
                "time": time.monotonic(),
                "root_cpu": self.root_cpu,
                "children_cpu": sum(child["cpu"] for child in self.children.values()),
                "threads": dict(self.thread_last),
                "children": {pid: child["cpu"] for pid, child in self.children.items()},
            }

    def _run(self):
        while not self._stop.is_set():
            self.sample_once()
            self._stop.wait(self.interval)

    def sample_once(self):
        began = time.monotonic()
        root = read_stat(self.root_pid)
        status = read_status_kb(self.root_pid)
        pss = read_pss_kb(self.root_pid)
        threads = thread_cpu(self.root_pid) if self.sample_threads else {}
        kids = {pid: stat for pid, stat in children_of({self.root_pid}).items()
                if stat["comm"] == self.child_comm}
        rss_sum = 0
        pss_sum = 0
        details = {}
        for pid, stat in kids.items():
            kid_status = read_status_kb(pid, ("VmRSS",))
            kid_pss = read_pss_kb(pid)
            if kid_status is None or "VmRSS" not in kid_status:
                continue  # exited meanwhile, or a zombie
            rss_sum += kid_status["VmRSS"]
            pss_sum += kid_pss or 0
            details[pid] = stat
        load1 = loadavg()[0]
        with self._lock:
            if root is not None and root["state"] != "Z":
                self.root_cpu = root["cpu"]
            if status:
                self.root_peak_rss_kb = max(self.root_peak_rss_kb, status.get("VmRSS", 0))
                self.root_hwm_kb = max(self.root_hwm_kb, status.get("VmHWM", 0))
            if pss is not None:
                self.root_peak_pss_kb = max(self.root_peak_pss_kb, pss)
            for tid, (name, cpu) in threads.items():
                self.thread_last[tid] = (name, cpu)
            for pid, stat in details.items():
                child = self.children.get(pid)
                if child is None:
                    child = {"start": stat["start"], "cpu": stat["cpu"], "first_cpu": stat["cpu"],
                             "cmdline": read_cmdline(pid), "cwd": read_cwd(pid)}
                    self.children[pid] = child
                child["cpu"] = max(child["cpu"], stat["cpu"])
            self.children_peak_rss_kb = max(self.children_peak_rss_kb, rss_sum)
            self.children_peak_pss_kb = max(self.children_peak_pss_kb, pss_sum)
            self.children_peak_count = max(self.children_peak_count, len(details))
            self.max_load1 = max(self.max_load1, load1)
            self.samples += 1
            self.sampling_seconds += time.monotonic() - began

    def live_children(self):
        return {pid for pid, stat in children_of({self.root_pid}).items()
                if stat["comm"] == self.child_comm and stat["state"] != "Z"}


def thread_breakdown(before, after):
    """CPU per thread-name family between two {tid: (name, cpu)} maps, largest first.

    Trailing numbers are folded ("GC Thread#1" and "GC Thread#0" become "GC Thread#N") so that
    pools add up (C1 and C2 compiler threads stay apart); threads born after `before` count from
    zero.
    """
    families = {}
    for tid, (name, cpu) in after.items():
        start = before.get(tid, (name, 0.0))[1]
        family = re.sub(r"\d+$", "N", name)
        families[family] = families.get(family, 0.0) + max(0.0, cpu - start)
    return sorted(families.items(), key=lambda item: -item[1])


# ---------------------------------------------------------------------------------------------

def machine_facts(java):
    def first_line(command):
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=30)
            text = (out.stdout or out.stderr).strip().splitlines()
            return text[0] if text else "?"
        except (OSError, subprocess.SubprocessError):
            return "?"

    cpu_model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "jdk": first_line([java, "-version"]),
        "ffmpeg": first_line(["ffmpeg", "-hide_banner", "-version"]),
        "python": platform.python_version(),
    }


def stop_process(popen, sig=signal.SIGTERM, timeout=10):
    """Signals popen, waits, then SIGKILLs it; ignores a process that is already gone."""
    if popen is None or popen.poll() is not None:
        return
    try:
        popen.send_signal(sig)
        popen.wait(timeout)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait()
    except ProcessLookupError:
        pass
