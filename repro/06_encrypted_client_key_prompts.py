"""README "Networks": cert= takes (cert_file, key_file, password) for an encrypted key, and
"Bad paths or options raise julep.ConfigurationError when the client is built"; "No aiohttp or
asyncio exception escapes". An encrypted key given without its password made OpenSSL ask for it
on the terminal: the constructor printed "Enter PEM pass phrase:" and blocked there (or, with no
terminal, as here, a bare OSError escaped). Exits 1 unless it is a ConfigurationError."""

import pathlib
import subprocess
import sys
import tempfile

import trustme
from cryptography.hazmat.primitives import serialization

import julep

with tempfile.TemporaryDirectory() as tmp:
    folder = pathlib.Path(tmp)
    leaf = trustme.CA().issue_cert("client@julep.test")
    leaf.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"s3cret"),
        )
    )
    cert = (str(folder / "cert.pem"), str(folder / "key.pem"))
    try:
        julep.AsyncJulepApi(api_key="k", base_url="https://127.0.0.1:9/api", cert=cert)
    except julep.ConfigurationError as error:
        print("ConfigurationError:", error)
        sys.exit(0)
    except Exception as error:  # noqa: BLE001
        print(f"{type(error).__name__} escaped: {error}")
        sys.exit(1)
    print("no error at all")
    sys.exit(1)
