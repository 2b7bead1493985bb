package io.github.mediamtxvod.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1, made by the JDK's keytool: a PKCS#12 key store for a
 * server, and the trust managers or trust store of a client that trusts only it.
 */
public final class SelfSignedCertificate {
    public static final String PASSWORD = "password";
    private static final String ALIAS = "server";

    private final Path keyStore;

    private SelfSignedCertificate(Path keyStore) {
        this.keyStore = keyStore;
    }

    /** Makes the key store in {@code dir}. */
    public static SelfSignedCertificate create(Path dir) throws IOException, InterruptedException {
        Path store = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new SelfSignedCertificate(store);
    }

    public Path keyStore() {
        return keyStore;
    }

    /** Trust managers that trust this certificate and no other. */
    public TrustManager[] trustManagers() throws IOException, GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted());
        return factory.getTrustManagers();
    }

    /**
     * A PKCS#12 trust store beside the key store that holds this certificate and no other, protected
     * by {@link #PASSWORD}: what {@code javax.net.ssl.trustStore} names for a client that trusts it.
     */
    public Path trustStore() throws IOException, GeneralSecurityException {
        Path store = keyStore.resolveSibling("trusted.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            trusted().store(out, PASSWORD.toCharArray());
        }
        return store;
    }

    private KeyStore trusted() throws IOException, GeneralSecurityException {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            server.load(in, PASSWORD.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(ALIAS, server.getCertificate(ALIAS));
        return trusted;
    }
}
