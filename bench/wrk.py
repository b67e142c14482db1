"""Running wrk (Debian's package) against a loopback server and reading its report."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Each Authorization header is used once, in order, across all connections of the one wrk thread:
# HMAC nonces are single-use, so a header file is a queue, never a loop.
LUA = r"""
local headers = {}
local extra = {}
local index = 0
local count = 0

function init(args)
  local file = args[1]
  if file and file ~= "" then
    for line in io.lines(file) do
      count = count + 1
      headers[count] = line
    end
  end
  for i = 2, #args, 2 do extra[args[i]] = args[i + 1] end
end

request = function()
  local h = {}
  for k, v in pairs(extra) do h[k] = v end
  if count > 0 then
    index = index + 1
    if index > count then index = count end  -- reused nonce: the server refuses, the run fails
    h["Authorization"] = headers[index]
  end
  return wrk.format(wrk.method, wrk.path, h, wrk.body)
end
"""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and could not be installed")
    return found


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse(output: str) -> WrkResult:
    requests_match = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if not requests_match:
        raise RuntimeError("could not read wrk's report:\n" + output)
    seconds = _ms(requests_match.group(2), requests_match.group(3)) / 1000.0
    total = int(requests_match.group(1))
    percentiles = {p: _ms(v, u) for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        requests=total,
        seconds=seconds,
        rps=total / seconds if seconds else 0.0,
        p50_ms=percentiles.get("50", 0.0),
        p99_ms=percentiles.get("99", 0.0),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(x) for x in socket.groups()) if socket else 0,
    )


def run(url: str, *, seconds: float, connections: int, method: str = "GET", body: str | None = None,
        header_file: Path | None = None, headers: dict[str, str] | None = None) -> WrkResult:
    wrk = ensure_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.replace("wrk.method", repr(method).replace("'", '"')).replace(
            "wrk.body", "nil" if body is None else '"' + body.replace('"', '\\"') + '"'))
    args = [str(header_file or "")]
    for name, value in (headers or {}).items():
        args += [name, value]
    command = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s", "-s", script.name, url, "--", *args]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    Path(script.name).unlink(missing_ok=True)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr or completed.stdout}")
    return parse(completed.stdout)
