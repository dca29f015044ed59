package io.spanloop.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports the local run needs. */
public final class Ports {

    private Ports() {}

    /** Fails, naming {@code option}, when {@code port} on 127.0.0.1 is taken. */
    public static void requireFree(int port, String option) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "port "
                            + port
                            + " on 127.0.0.1 is in use (another spanloop or Kafka?); stop it or"
                            + " choose another with "
                            + option);
        }
    }

    /** Whether {@code host:port} accepts TCP connections. */
    public static boolean accepts(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(
                            hostPort.substring(0, colon),
                            Integer.parseInt(hostPort.substring(colon + 1))),
                    1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that is free right now. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
