"""Peak memory of a worker while it imports and delivers a large file (S3 and Azure).

Runs Montage's own services in worker processes against real servers in
other processes, so the servers' memory is not counted: moto's S3
server, Azurite (persisting to disk) and a plain HTTP server on 127.0.0.2.
Media storage is S3. A file of the given size (a real MP4 followed by
padding, so it probes as media) is generated on disk, and each step is
run in a fresh worker process whose RSS is sampled every 20 ms:

1. import from an http URL (json.url): download to a temp file, probe, store in S3 (multipart);
2. import from a client's S3 bucket (json.bucket);
3. import from a client's Azure container (json.container);
4. the worker fetching the stored object into its local media cache;
5. delivery of a render to an S3 bucket (json.bucket), and 6. to an Azure container.

    python bench/storage_memory.py --size-mb 2048

Needs the test extra (moto[server], psutil) and Azurite (scripts/test installs it into .emulators/).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import mediagen  # noqa: E402

AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
MB = 1024 * 1024


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for(port: int, host: str = "127.0.0.1") -> None:
    for _ in range(300):
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {host}:{port}")


def make_big_file(path: Path, size_mb: int) -> Path:
    """An MP4 whose tail is padding: probes as a 2 s video, weighs size_mb."""
    mediagen.make_video(path, seconds=2.0)
    chunk = b"\0" * MB
    with open(path, "ab") as handle:
        while path.stat().st_size < size_mb * MB:
            handle.write(chunk)
    return path


class Sampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)


PHASES = {
    "import-url": "import json.url (http) -> S3 media",
    "import-s3": "import json.bucket (S3) -> S3 media",
    "import-azure": "import json.container (Azure) -> S3 media",
    "cache": "worker media cache fill (S3 -> local disk)",
    "deliver-s3": "deliver a render to S3 (json.bucket)",
    "deliver-azure": "deliver a render to Azure (json.container)",
}


def run_phase(phase: str, big: Path, http_port: int, stored_name: str) -> None:
    """Child process: one step, measured on a fresh worker process; prints a JSON line."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from exports.delivery import deliver, delivery_target
    from media_assets.cache import cached_media_path
    from media_assets.imports import file_import, import_source
    from projects.models import Project

    user = get_user_model().objects.get(username="bench")
    project = Project.objects.get(owner=user)

    def imported(client_json):
        return lambda: file_import(owner=user, project=project, source=import_source(client_json),
                                   client_json=client_json).media.name

    actions = {
        "import-url": imported({"url": f"http://127.0.0.2:{http_port}/big.mp4", "name": "from-url.mp4"}),
        "import-s3": imported({"url": "big.mp4", "bucket": "client-source", "name": "from-s3.mp4"}),
        "import-azure": imported({"url": "big.mp4", "container": "client-source", "name": "from-azure.mp4"}),
        "cache": lambda: cached_media_path(stored_name),
        "deliver-s3": lambda: deliver(delivery_target({"bucket": "client-renders", "url": "renders/big.mp4"}), big),
        "deliver-azure": lambda: deliver(delivery_target({"container": "client-renders", "url": "r/big.mp4"}), big),
    }
    before = psutil.Process().memory_info().rss
    sampler = Sampler()
    sampler.start()
    started = time.monotonic()
    result = actions[phase]()
    seconds = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    print(json.dumps({"before": before, "peak": sampler.peak, "seconds": seconds, "result": str(result)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--big", help=argparse.SUPPRESS)
    parser.add_argument("--http-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--stored-name", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run_phase(args.phase, Path(args.big), args.http_port, args.stored_name)
        return
    scratch = Path(tempfile.mkdtemp(prefix="montage-storage-bench-"))
    processes = []
    try:
        s3_port, azure_port, http_port = free_port(), free_port(), free_port("127.0.0.2")
        processes.append(subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        azurite = os.environ.get("AZURITE_BLOB") or str(ROOT / ".emulators/node_modules/.bin/azurite-blob")
        (scratch / "azurite").mkdir()
        processes.append(subprocess.Popen(
            [azurite, "--blobHost", "127.0.0.1", "--blobPort", str(azure_port), "--location", str(scratch / "azurite"),
             "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        (scratch / "www").mkdir()
        big = make_big_file(scratch / "www" / "big.mp4", args.size_mb)
        size = big.stat().st_size
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.2", "--directory", str(scratch / "www"),
             str(http_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port, host in ((s3_port, "127.0.0.1"), (azure_port, "127.0.0.1"), (http_port, "127.0.0.2")):
            wait_for(port, host)

        connection_string = (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
                             f"BlobEndpoint=http://127.0.0.1:{azure_port}/devstoreaccount1;")
        os.environ.update({
            "MONTAGE_EMBEDDED": "1", "MONTAGE_DATA_DIR": str(scratch / "data"), "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings", "MEDIA_STORAGE": "s3",
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}", "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench", "AWS_S3_REGION_NAME": "us-east-1", "AWS_STORAGE_BUCKET_NAME": "media",
            "AZURE_CONNECTION_STRING": connection_string, "MONTAGE_S3_BUCKETS": "*", "MONTAGE_AZURE_CONTAINERS": "*",
            "MONTAGE_TRUSTED_NETWORKS": "127.0.0.2/32", "MEDIA_IMPORT_MAX_BYTES": str(size * 2),
            "MEDIA_CACHE_DIR": str(scratch / "cache"), "AWS_EC2_METADATA_DISABLED": "true",
        })
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from media_assets.cloud import azure_container_client, azure_location, s3_client, s3_location
        from projects.models import Project

        call_command("migrate", interactive=False, verbosity=0)
        user = get_user_model().objects.create_user("bench")
        Project.objects.create(owner=user, name="bench")
        s3 = s3_client(s3_location({"bucket": "media", "aws_access_key_id": "bench", "aws_secret_access_key": "bench"}))
        for bucket in ("media", "client-source", "client-renders"):
            s3.create_bucket(Bucket=bucket)
        print(f"file size {size / MB:.0f} MB; setting up the sources ...", flush=True)
        s3.upload_file(str(big), "client-source", "big.mp4")
        source_container = azure_container_client(azure_location({"container": "client-source"}))
        source_container.create_container()
        with open(big, "rb") as handle:
            source_container.upload_blob("big.mp4", handle, length=size, max_concurrency=2)

        print("measuring, each step in a fresh worker process:", flush=True)
        rows, stored = [], ""
        for phase, label in PHASES.items():
            output = subprocess.run(
                [sys.executable, __file__, "--phase", phase, "--big", str(big), "--http-port", str(http_port),
                 "--stored-name", stored], check=True, capture_output=True, text=True).stdout
            figures = json.loads(output.strip().splitlines()[-1])
            stored = stored or figures["result"]  # the first import's stored name, for the cache step
            rows.append((label, size, figures["before"], figures["peak"], figures["seconds"]))
            print(f"  {label}: RSS {figures['before'] / MB:.0f} -> peak {figures['peak'] / MB:.0f} MB "
                  f"in {figures['seconds']:.1f} s", flush=True)

        print()
        print("| step | file size | RSS before | peak RSS | peak - before | peak / file size | time |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for label, file_size, before, peak, seconds in rows:
            print(f"| {label} | {file_size / MB:.0f} MB | {before / MB:.0f} MB | {peak / MB:.0f} MB | "
                  f"+{(peak - before) / MB:.0f} MB | {peak / file_size:.3f} | {seconds:.1f} s |")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
