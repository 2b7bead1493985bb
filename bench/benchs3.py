"""S3Proxy for the benchmarks: a real S3-compatible server in its own JVM, objects in a folder,
listening on plain HTTP and on HTTPS (a self-signed certificate the clients are told to trust).
Standard library only.
"""

import os
import shutil
import socket
import subprocess
import time

import benchlib

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
S3PROXY_JAR = os.path.join(PROJECT, "target/bench/s3proxy-4.1.0-jar-with-dependencies.jar")
S3PROXY_HINT = ("./mvnw -B -q dependency:copy -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies "
                "-DoutputDirectory=target/bench")
ACCESS_KEY = "bench-access"
SECRET_KEY = "bench-secret"


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Proxy:
    """S3Proxy in its own JVM, objects in a folder (basedir/bucket/key), on plain HTTP and HTTPS."""

    def __init__(self, java, jar, work, authorization="aws-v2-or-v4"):
        self.java = java
        self.jar = jar
        self.basedir = os.path.join(work, "s3")
        self.work = work
        self.ports = {"http": free_tcp_port(), "https": free_tcp_port()}
        self.popen = None
        # "none" lets any HTTP client (FFmpeg) read the objects; signed requests still work
        self.authorization = authorization
        self.keystore = os.path.join(work, "s3proxy-keystore.jks")
        self.truststore = os.path.join(work, "truststore.jks")
        self.certificate = os.path.join(work, "s3proxy.pem")

    def endpoint(self, protocol="http"):
        return "%s://127.0.0.1:%d" % (protocol, self.ports[protocol])

    def make_certificate(self):
        """A self-signed certificate for 127.0.0.1, as a keystore, a truststore and PEM (for rclone);
        kept when S3Proxy is started again."""
        if os.path.exists(self.truststore):
            return
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

    def client_env(self, protocol):
        """What a recorder JVM needs to trust this server: the truststore through JAVA_TOOL_OPTIONS,
        so that the JVM options under test stay exactly as given."""
        if protocol != "https":
            return {}
        return {"JAVA_TOOL_OPTIONS": "-Djavax.net.ssl.trustStore=%s -Djavax.net.ssl.trustStorePassword=password"
                                     % self.truststore}

    def start(self):
        os.makedirs(self.basedir, exist_ok=True)
        self.make_certificate()
        properties = os.path.join(self.work, "s3proxy.properties")
        with open(properties, "w") as f:
            f.write("\n".join([
                "s3proxy.endpoint=" + self.endpoint("http"),
                "s3proxy.secure-endpoint=" + self.endpoint("https"),
                "s3proxy.keystore-path=" + self.keystore,
                "s3proxy.keystore-password=password",
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
        for port in self.ports.values():
            while True:
                if self.popen.poll() is not None:
                    raise RuntimeError("S3Proxy exited with %s; see %s" % (self.popen.returncode, out.name))
                if time.monotonic() > deadline:
                    raise RuntimeError("S3Proxy not listening within 60 s; see %s" % out.name)
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.2)
        return self

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

    def recorder_env(self, protocol, bucket):
        """The recorder's S3 settings for this server."""
        env = {"S3_ENDPOINT_URL": self.endpoint(protocol), "S3_ACCESS_KEY_ID": ACCESS_KEY,
               "S3_SECRET_ACCESS_KEY": SECRET_KEY, "S3_BUCKET_NAME": bucket}
        env.update(self.client_env(protocol))
        return env
