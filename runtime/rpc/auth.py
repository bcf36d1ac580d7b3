"""Shared-secret authentication for cluster connections (spark.authenticate).

With ``spark.authenticate=true`` every TCP connection between driver, master, worker and
executor starts with a mutual HMAC-SHA256 challenge-response on raw, fixed-size byte strings,
*before* any frame is read -- nothing a peer sends is unpickled until it has proved that it
knows the secret. The client speaks first, so a select()-driven server (the driver's loop)
can run the handshake when the new socket becomes readable:

    client -> server   MAGIC (4 bytes) + client nonce (32)
    server -> client   server nonce (32) + HMAC(secret, b"S" + cn + sn)   (server proof)
    client -> server   HMAC(secret, b"C" + cn + sn)                       (client proof)
    server -> client   b"\\x01" accepted  |  b"\\x00" refused (then the server closes)

Proofs are domain-separated (``S``/``C``) so a server's answer can never be replayed as a
client proof; fresh nonces on both sides defeat replays of whole exchanges. A server
without authentication reading MAGIC as a frame header sees an absurd length and drops the
connection, so a mismatch in configuration fails fast on both ends with a clear message.

The secret comes from ``spark.authenticate.secret``, else the file named by
``spark.authenticate.secret.file``, else the ``_SPARK_AUTH_SECRET`` environment variable
(how workers hand it to the executors and drivers they start, as Spark does).
"""

from __future__ import annotations

import os
import socket
from typing import Callable

MAGIC = b"SCA1"
NONCE = 32
MAC = 32
ENV_VAR = "_SPARK_AUTH_SECRET"
DEFAULT_TIMEOUT = 10.0


class AuthError(ConnectionError):
    """The peer could not prove the shared secret (or refused ours)."""


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def secret_from(get: Callable[[str], str | None]) -> bytes | None:
    """The shared secret when ``spark.authenticate`` is on (``get`` reads a config key),
    else None. Raises ValueError with a one-line message when auth is on but no secret."""
    if not _truthy(get("spark.authenticate") or "false"):
        return None
    secret = get("spark.authenticate.secret")
    path = get("spark.authenticate.secret.file")
    if not secret and path:
        try:
            with open(path, encoding="utf-8") as f:
                secret = f.read().strip()
        except OSError as e:
            raise ValueError(f"cannot read spark.authenticate.secret.file {path}: "
                             f"{e.strerror}") from None
    if not secret:
        secret = os.environ.get(ENV_VAR)
    if not secret:
        raise ValueError("spark.authenticate is true but no secret is set: set "
                         "spark.authenticate.secret or spark.authenticate.secret.file")
    return secret.encode("utf-8")


def env_secret() -> bytes | None:
    """The secret handed down by a worker (executors and cluster-mode drivers)."""
    value = os.environ.get(ENV_VAR)
    return value.encode("utf-8") if value else None


def _mac(secret: bytes, tag: bytes, cn: bytes, sn: bytes) -> bytes:
    import hashlib  # OpenSSL's bindings (runtime/lazy.py HEAVY_LIBRARIES): only with a secret
    import hmac

    return hmac.new(secret, tag + cn + sn, hashlib.sha256).digest()


def _proves(proof: bytes, secret: bytes, tag: bytes, cn: bytes, sn: bytes) -> bool:
    import hmac

    return hmac.compare_digest(proof, _mac(secret, tag, cn, sn))


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def client_handshake(sock: socket.socket, secret: bytes,
                     timeout: float = DEFAULT_TIMEOUT) -> None:
    """Prove the secret to the server and check the server's proof; raise AuthError."""
    old = sock.gettimeout()
    sock.settimeout(timeout)
    try:
        cn = os.urandom(NONCE)
        sock.sendall(MAGIC + cn)
        reply = _recv_exact(sock, NONCE + MAC)
        if reply is None:
            raise AuthError("connection closed during authentication: the server refused it "
                            "(does it have spark.authenticate=true with the same secret?)")
        sn, proof = reply[:NONCE], reply[NONCE:]
        if not _proves(proof, secret, b"S", cn, sn):
            raise AuthError("authentication failed: the server's secret differs from this "
                            "side's (check spark.authenticate.secret on both sides)")
        sock.sendall(_mac(secret, b"C", cn, sn))
        verdict = _recv_exact(sock, 1)
        if verdict != b"\x01":
            raise AuthError("authentication failed: the server refused our secret (check "
                            "spark.authenticate.secret on both sides)")
    except socket.timeout:
        raise AuthError("authentication timed out (does the server have "
                        "spark.authenticate=true?)") from None
    except AuthError:
        raise
    except OSError as e:
        raise AuthError(f"connection lost during authentication: {e}") from None
    finally:
        try:
            sock.settimeout(old)
        except OSError:
            pass


def server_handshake(sock: socket.socket, secret: bytes,
                     timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Check a new connection's proof. Returns None when accepted, else the reason (for the
    daemon log line); the caller closes a refused socket."""
    old = sock.gettimeout()
    sock.settimeout(timeout)
    try:
        hello = _recv_exact(sock, len(MAGIC) + NONCE)
        if hello is None:
            return "closed before authenticating"
        if hello[:len(MAGIC)] != MAGIC:
            return "did not authenticate (spark.authenticate is on; is the peer's off?)"
        cn, sn = hello[len(MAGIC):], os.urandom(NONCE)
        sock.sendall(sn + _mac(secret, b"S", cn, sn))
        proof = _recv_exact(sock, MAC)
        if proof is None:
            return ("closed during authentication: the peer's secret differs (check "
                    "spark.authenticate.secret on both sides)")
        if not _proves(proof, secret, b"C", cn, sn):
            try:
                sock.sendall(b"\x00")
            except OSError:
                pass
            return "wrong secret (check spark.authenticate.secret)"
        sock.sendall(b"\x01")
        return None
    except socket.timeout:
        return "authentication timed out"
    except OSError as e:
        return f"connection error during authentication: {e}"
    finally:
        try:
            sock.settimeout(old)
        except OSError:
            pass
