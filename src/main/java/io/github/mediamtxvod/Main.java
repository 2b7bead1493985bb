package io.github.mediamtxvod;

/** Command-line entry point: parses the subcommand and turns the outcome into an exit code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("vod-recorder");
    }
}
