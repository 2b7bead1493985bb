"""S3Proxy in its own JVM for the benchmarks in bench/, objects in a folder on local disk.

Standard library only. Needs the S3Proxy jar:
  ./mvnw -B -q dependency:copy -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies -DoutputDirectory=target/bench
"""

import os
import shutil
import socket
import subprocess
import time

import benchlib

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
S3PROXY_JAR = os.path.join(PROJECT, "target/bench/s3proxy-4.1.0-jar-with-dependencies.jar")
ACCESS_KEY = "bench-access"
SECRET_KEY = "bench-secret"


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Proxy:
    """S3Proxy in its own JVM, objects in a folder (basedir/bucket/key)."""

    def __init__(self, java, jar, work, tls, authorization="aws-v2-or-v4"):
        self.java = java
        self.jar = jar
        self.basedir = os.path.join(work, "s3")
        self.work = work
        self.port = free_tcp_port()
        self.popen = None
        self.tls = tls
        # "none" lets any HTTP client (FFmpeg) read the objects; signed requests still work
        self.authorization = authorization
        self.keystore = os.path.join(work, "s3proxy-keystore.jks")
        self.truststore = os.path.join(work, "truststore.jks")
        self.certificate = os.path.join(work, "s3proxy.pem")

    def endpoint(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)

    def make_certificate(self):
        """A self-signed certificate for 127.0.0.1, as a keystore, a truststore and PEM (for rclone)."""
        keytool = os.path.join(os.path.dirname(self.java), "keytool")
        common = ["-storepass", "password", "-storetype", "JKS"]
        subprocess.run([keytool, "-genkeypair", "-alias", "s3proxy", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                        "-keystore", self.keystore, "-keypass", "password"] + common,
                       check=True, capture_output=True)
        subprocess.run([keytool, "-exportcert", "-rfc", "-alias", "s3proxy", "-keystore", self.keystore,
                        "-file", self.certificate] + common, check=True, capture_output=True)
        subprocess.run([keytool, "-importcert", "-noprompt", "-alias", "s3proxy", "-file", self.certificate,
                        "-keystore", self.truststore] + common, check=True, capture_output=True)

    def client_jvm_options(self):
        """What a JVM client needs to trust this server."""
        return ["-Djavax.net.ssl.trustStore=" + self.truststore,
                "-Djavax.net.ssl.trustStorePassword=password"] if self.tls else []

    def start(self):
        os.makedirs(self.basedir, exist_ok=True)
        properties = os.path.join(self.work, "s3proxy.properties")
        listen = ["s3proxy.endpoint=" + self.endpoint()]
        if self.tls:
            self.make_certificate()
            listen = ["s3proxy.secure-endpoint=" + self.endpoint(), "s3proxy.keystore-path=" + self.keystore,
                      "s3proxy.keystore-password=password"]
        with open(properties, "w") as f:
            f.write("\n".join(listen + [
                "s3proxy.authorization=" + self.authorization,
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                # the AWS SDK sends x-amz-mp-object-size on multipart uploads (501 otherwise)
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=unused",
                "jclouds.credential=unused",
                "jclouds.filesystem.basedir=" + self.basedir,
            ]) + "\n")
        out = open(os.path.join(self.work, "s3proxy.log"), "w")
        self.popen = subprocess.Popen(benchlib.die_with_us(
            [self.java, "-jar", self.jar, "--properties", properties]),
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError("S3Proxy exited with %s; see %s" % (self.popen.returncode, out.name))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("S3Proxy not listening within 60 s; see %s" % out.name)

    def cpu(self):
        stat = benchlib.read_stat(self.popen.pid)
        return stat["cpu"] if stat else 0.0

    def bucket_contents(self, bucket):
        """(object count, total bytes) of the *.mp4 objects in a bucket, from S3Proxy's folder."""
        count = size = 0
        for folder, _, files in os.walk(os.path.join(self.basedir, bucket)):
            for name in files:
                if name.endswith(".mp4"):
                    count += 1
                    size += os.path.getsize(os.path.join(folder, name))
        return count, size

    def drop_bucket(self, bucket):
        shutil.rmtree(os.path.join(self.basedir, bucket), ignore_errors=True)

    def stop(self):
        benchlib.stop_process(self.popen)
