/*
 * ffmpeg-standin: a stand-in for FFmpeg in bench/scale-bench, so that the recorder's own cost can be
 * measured with far more streams than this machine could publish and record.
 *
 * It takes the recorder's FFmpeg arguments and uses those that shape the output: -segment_time,
 * -segment_list (CSV), -progress (pipe:1, pipe:2 or a file), -stats_period, and the segment file
 * pattern (the last argument, e.g. segment_%03d.mp4). Instead of reading the input it copies a
 * fragmented MP4 sample (FFMPEG_STANDIN_SAMPLE: one segment recorded by the real FFmpeg with the
 * recorder's arguments) without decoding anything: per segment file the init boxes at once, then
 * one moof+mdat fragment at a time at the real-time pace of the segment, and the segment's CSV line
 * when the file is closed, as FFmpeg's segment muxer does. Every -stats_period it writes a
 * -progress block. It stops like FFmpeg, finishing the segment file it writes: on "q" on standard
 * input, SIGINT or SIGTERM. "-version" prints one line and exits 0. FFMPEG_STANDIN_SPEED (default 1)
 * writes that many seconds of media per second, so that a long session is reached in minutes.
 *
 * Build: cc -O2 -o ffmpeg-standin ffmpeg-standin.c (scale-bench does it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAGMENTS 4096

static volatile sig_atomic_t stop_signal;

static void on_signal(int signal_number) {
    (void) signal_number;
    stop_signal = 1;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail) {
    fprintf(stderr, "[fatal] ffmpeg-standin: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static uint32_t be32(const unsigned char *p) {
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static void write_all(int fd, const void *data, size_t length) {
    const char *p = data;
    while (length > 0) {
        ssize_t n = write(fd, p, length);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("write failed", strerror(errno));
        }
        p += n;
        length -= (size_t) n;
    }
}

static int progress_fd = -1;
static long long frames;

static void write_progress(double media_seconds, int end) {
    if (progress_fd < 0) {
        return;
    }
    long long us = (long long) (media_seconds * 1e6);
    char block[512];
    int n = snprintf(block, sizeof block,
                     "frame=%lld\nfps=25.00\nstream_0_0_q=-1.0\nbitrate=N/A\ntotal_size=N/A\n"
                     "out_time_us=%lld\nout_time_ms=%lld\nout_time=%02lld:%02lld:%02lld.%06lld\n"
                     "dup_frames=0\ndrop_frames=0\nspeed=   1x\nprogress=%s\n",
                     frames, us, us, us / 3600000000LL, us / 60000000LL % 60, us / 1000000LL % 60, us % 1000000LL,
                     end ? "end" : "continue");
    write_all(progress_fd, block, (size_t) n);
}

int main(int argc, char **argv) {
    double segment_time = 2;
    double stats_period = 0.5;
    const char *segment_list = NULL;
    const char *progress = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-version") == 0) {
            printf("ffmpeg version 5.1-standin (bench/ffmpeg-standin.c, copies a sample, decodes nothing)\n");
            return 0;
        }
        if (i + 1 < argc) {
            if (strcmp(argv[i], "-segment_time") == 0) {
                segment_time = atof(argv[++i]);
            } else if (strcmp(argv[i], "-segment_list") == 0) {
                segment_list = argv[++i];
            } else if (strcmp(argv[i], "-progress") == 0) {
                progress = argv[++i];
            } else if (strcmp(argv[i], "-stats_period") == 0) {
                stats_period = atof(argv[++i]);
            }
        }
    }
    const char *pattern = argv[argc - 1];
    const char *sample = getenv("FFMPEG_STANDIN_SAMPLE");
    const char *speed_text = getenv("FFMPEG_STANDIN_SPEED");
    double speed = speed_text != NULL ? atof(speed_text) : 1.0;
    if (argc < 2 || strchr(pattern, '%') == NULL) {
        die("the last argument must be the segment file pattern", argc < 2 ? NULL : pattern);
    }
    if (sample == NULL) {
        die("FFMPEG_STANDIN_SAMPLE (a fragmented MP4 segment) is not set", NULL);
    }
    if (segment_time <= 0 || stats_period <= 0) {
        die("-segment_time and -stats_period must be positive", NULL);
    }
    if (!(speed > 0)) {
        die("FFMPEG_STANDIN_SPEED must be a positive number", speed_text);
    }

    int sample_fd = open(sample, O_RDONLY);
    struct stat st;
    if (sample_fd < 0 || fstat(sample_fd, &st) != 0 || st.st_size < 16) {
        die("cannot read the sample", sample);
    }
    /* shared pages: a thousand stand-ins hold one copy of the sample in memory */
    const unsigned char *data = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED, sample_fd, 0);
    if (data == MAP_FAILED) {
        die("cannot map the sample", strerror(errno));
    }
    size_t size = (size_t) st.st_size;
    size_t init_length = 0;
    size_t fragment_start[MAX_FRAGMENTS + 1];
    int fragments = 0;
    for (size_t offset = 0; offset + 8 <= size;) {
        uint32_t box = be32(data + offset);
        if (box < 8 || offset + box > size) {
            die("the sample is not a sequence of MP4 boxes", sample);
        }
        if (memcmp(data + offset + 4, "moof", 4) == 0) {
            if (fragments == 0) {
                init_length = offset;
            }
            if (fragments == MAX_FRAGMENTS) {
                die("the sample has too many fragments", sample);
            }
            fragment_start[fragments++] = offset;
        }
        offset += box;
    }
    if (fragments == 0) {
        die("the sample has no moof box: record it as fragmented MP4", sample);
    }
    fragment_start[fragments] = size;

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (progress != NULL) {
        if (strcmp(progress, "pipe:1") == 0 || strcmp(progress, "pipe:") == 0 || strcmp(progress, "-") == 0) {
            progress_fd = 1;
        } else if (strcmp(progress, "pipe:2") == 0) {
            progress_fd = 2;
        } else if ((progress_fd = open(progress, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
            die("cannot open the -progress output", progress);
        }
    }
    int list_fd = -1;
    if (segment_list != NULL && (list_fd = open(segment_list, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
        die("cannot open the segment list", segment_list);
    }

    double fragment_seconds = segment_time / fragments;
    double started = now_seconds();
    double next_progress = started;
    int stdin_open = 1;
    int stopping = 0;
    double media_written = 0; /* seconds of media in closed fragments, over all segments */
    for (int index = 0; !stopping; index++) {
        char name[4096];
        snprintf(name, sizeof name, pattern, index);
        int out = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0) {
            die("cannot create the segment file", name);
        }
        write_all(out, data, init_length);
        double segment_media_start = media_written;
        for (int k = 0; k < fragments; k++) {
            double due = started + (media_written + fragment_seconds) / speed;
            while (!stopping) {
                double now = now_seconds();
                if (now >= next_progress) {
                    write_progress((now - started) * speed, 0);
                    next_progress += stats_period;
                    continue;
                }
                if (now >= due) {
                    break;
                }
                double wake = due < next_progress ? due : next_progress;
                struct pollfd input = {.fd = 0, .events = POLLIN};
                int timeout_ms = (int) ((wake - now) * 1000) + 1;
                int ready = poll(&input, stdin_open ? 1 : 0, timeout_ms);
                if (stop_signal) {
                    stopping = 1;
                } else if (ready > 0) {
                    char buffer[64];
                    ssize_t n = read(0, buffer, sizeof buffer);
                    if (n <= 0) {
                        stdin_open = 0; /* FFmpeg goes on without its standard input, too */
                    } else if (memchr(buffer, 'q', (size_t) n) != NULL) {
                        stopping = 1;
                    }
                }
            }
            if (stopping) {
                break;
            }
            write_all(out, data + fragment_start[k], fragment_start[k + 1] - fragment_start[k]);
            media_written += fragment_seconds;
            frames += (long long) (fragment_seconds * 25 + 0.5);
        }
        close(out);
        if (list_fd >= 0) {
            char line[4200];
            int n = snprintf(line, sizeof line, "%s,%.6f,%.6f\n", name, segment_media_start, media_written);
            write_all(list_fd, line, (size_t) n);
        }
    }
    write_progress(media_written, 1);
    return 0;
}
