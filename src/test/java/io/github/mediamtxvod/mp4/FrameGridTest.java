package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameGridTest {
    private static final long FRAME = 512;

    @Test
    void framesOnTheGridStayWhereTheyAre() {
        long[] shown = {512, 1024, 1537, 2047, 2560};

        assertThat(FrameGrid.alignment(shown, FRAME, 0)).isZero();
    }

    @Test
    void framesHalfAFrameOffTheGridMoveOntoIt() {
        // FFmpeg's own time for the first frame, the source's for the rest: 0.53 frame off, jittery
        long[] shown = {1810, 2332, 2830, 3350, 3858, 4380};

        long delta = FrameGrid.alignment(shown, FRAME, 0);

        assertThat(delta).isPositive().isLessThan(FRAME);
        for (int i = 0; i < shown.length; i++) {
            long phase = Math.floorMod(shown[i] + delta, FRAME);
            assertThat(Math.min(phase, FRAME - phase)).as("frame %d", i).isLessThan(FRAME / 8);
        }
    }

    @Test
    void steadyFramesHalfAFrameOffTheGridStay() {
        // no jitter: no two ever round to one slot
        long[] shown = {1810, 2322, 2834, 3346, 3858, 4370};

        assertThat(FrameGrid.alignment(shown, FRAME, 0)).isZero();
    }

    @Test
    void framesAfterAJumpAreNotMoved() {
        // a decoder guesses its output rate from the first frames; after a jump that guess is off
        long[] shown = {512, 1024, 1536, 25301, 25813, 26325, 26837};

        assertThat(FrameGrid.alignment(shown, FRAME, 0)).isZero();
    }

    @Test
    void aRunLeftAtTheRoundingEdgeByAJumpMovesOntoTheGridWithEverythingAfterIt() {
        // soak05's numbers: on the grid, then 2.4 frames later, then half a frame off with 1-tick jitter
        long[] shown = new long[60];
        for (int k = 0; k < 60; k++) {
            shown[k] = k * FRAME + (k < 30 ? 50 : 50 + 1230 - FRAME + (k % 2 == 0 ? 0 : -1));
        }

        long[] moves = FrameGrid.runAlignment(shown, FRAME, 0, FrameGrid.firstRunEnd(shown, FRAME));

        for (int k = 0; k < 30; k++) {
            assertThat(moves[k]).as("frame %d", k).isZero();
        }
        long delta = moves[30];
        assertThat(delta).isPositive().isLessThan(FRAME);
        for (int k = 30; k < 60; k++) {
            assertThat(moves[k]).as("frame %d", k).isEqualTo(delta);
            long phase = Math.floorMod(shown[k] + delta, FRAME);
            assertThat(Math.min(phase, FRAME - phase)).as("frame %d", k).isLessThan(FRAME * 3 / 8);
        }
    }

    @Test
    void runsAfterAJumpThatStayOnTheGridAreNotMoved() {
        long[] shown = new long[60];
        for (int k = 0; k < 60; k++) {
            shown[k] = k * FRAME + (k < 30 ? 0 : 3 * FRAME) + (k % 2 == 0 ? 0 : 2);
        }

        assertThat(FrameGrid.runAlignment(shown, FRAME, 0, FrameGrid.firstRunEnd(shown, FRAME))).containsOnly(0);
    }

    @Test
    void eachLaterRunMovesOnItsOwnAndTheOrderIsKept() {
        // two jumps, each leaving the next run half a frame off; the last run is too short to judge
        long[] shown = new long[45];
        for (int k = 0; k < 45; k++) {
            long jumps = k < 15 ? 0 : k < 40 ? FRAME * 5 / 2 : FRAME * 6;
            shown[k] = k * FRAME + jumps + (k % 2 == 0 ? 0 : 1);
        }
        // given in a decode order that is not the presentation order
        long[] decodeOrder = {shown[0], shown[2], shown[1], shown[3]};
        System.arraycopy(decodeOrder, 0, shown, 0, 4);

        long[] moves = FrameGrid.runAlignment(shown, FRAME, 0, FrameGrid.firstRunEnd(shown, FRAME));

        assertThat(moves[14]).isZero();
        assertThat(moves[15]).isPositive();
        for (int k = 16; k < 45; k++) {
            assertThat(moves[k]).as("frame %d", k).isGreaterThanOrEqualTo(moves[k - 1]);
            assertThat(shown[k] + moves[k]).isGreaterThan(shown[k - 1] + moves[k - 1]);
        }
    }
    @Test
    void aLastFrameAQuarterFrameLateMovesBackOntoTheGrid() {
        long[] times = steady(20);
        times[19] += 117; // the source's times re-based just before the segment's end

        assertThat(decodeMoves(times)).containsExactly(moves(20, 19, -117));
    }

    @Test
    void lastFramesMoreThanHalfAFrameLateMoveOnToTheNextFrame() {
        long[] times = steady(20);
        for (int i = 17; i < 20; i++) {
            times[i] += 300;
        }

        assertThat(decodeMoves(times)).containsExactly(moves(20, 17, FRAME - 300));
    }

    @Test
    void aLastFrameLessThanAFrameAfterTheOneBeforeMovesLaterToAWholeFrame() {
        long[] times = steady(20);
        times[19] -= 400; // 112 ticks after the frame before: moving it back would show both at once

        assertThat(decodeMoves(times)).containsExactly(moves(20, 19, 400));
    }

    @Test
    void aStallOfTwoFramesOrMoreKeepsItsLength() {
        long[] times = steady(20);
        for (int i = 16; i < 20; i++) {
            times[i] += 2 * FRAME + 100;
        }

        assertThat(decodeMoves(times)).containsOnly(0L);
    }

    @Test
    void framesWithBFramesMoveOnlyWhereNoFrameAfterTheJumpIsShownBeforeOneAhead() {
        // decode order I P B B P B B with presentation 0 3 1 2 6 4 5 (in frames); the last three late
        long[] decode = new long[7];
        long[] shown = new long[7];
        int[] order = {0, 3, 1, 2, 6, 4, 5};
        for (int i = 0; i < 7; i++) {
            decode[i] = (i - 2L) * FRAME;
            shown[i] = order[i] * FRAME + (i >= 4 ? 117 : 0);
            decode[i] += i >= 4 ? 117 : 0;
        }

        FrameGrid.Moves moves = FrameGrid.jumpsOffGrid(decode, shown, FRAME);
        assertThat(moves.decode()).containsExactly(moves(7, 4, -117));
        assertThat(moves.shown()).containsExactly(moves(7, 4, -117));

        shown[3] = 7 * FRAME; // a frame ahead of the jump is shown after the ones behind it: no clean cut
        FrameGrid.Moves none = FrameGrid.jumpsOffGrid(decode, shown, FRAME);
        assertThat(none.decode()).containsOnly(0L);
        assertThat(none.shown()).containsOnly(0L);
    }

    @Test
    void framesShownLaterWithoutBeingDecodedLaterAreShownOnTheGridAgainByTheirCompositionOffsets() {
        long[] decode = steady(20);
        long[] shown = steady(20);
        for (int i = 0; i < 20; i++) {
            shown[i] += 2 * FRAME + (i >= 12 ? 140 : 0); // shown 0.27 frame later from the 13th on
        }

        FrameGrid.Moves moves = FrameGrid.jumpsOffGrid(decode, shown, FRAME);

        assertThat(moves.decode()).containsOnly(0L);
        assertThat(moves.shown()).containsExactly(moves(20, 12, -140));
    }

    @Test
    void framesAfterAJumpInMidSegmentMoveBackOntoTheGrid() {
        long[] times = steady(60);
        for (int i = 10; i < 60; i++) {
            times[i] += 117;
        }

        assertThat(decodeMoves(times)).containsExactly(moves(60, 10, -117));
    }

    @Test
    void theJumpsOfAClockThatDriftsOneWayKeepTheFramesWithinAFrameOfTheOtherTracks() {
        // four jumps of 0.3 frame forward: each taken out by the whole number of frames that
        // keeps the moves so far nearest zero, so they never reach half a frame
        long[] late = steady(60);
        for (int jump = 1; jump <= 4; jump++) {
            for (int i = jump * 10; i < 60; i++) {
                late[i] += 154;
            }
        }
        long[] moves = decodeMoves(late);
        assertThat(Arrays.stream(moves).map(Math::abs).max().orElseThrow()).isLessThanOrEqualTo(FRAME / 2);
        for (int i = 1; i < 60; i++) {
            assertThat(Math.floorMod(late[i] + moves[i] - late[i - 1] - moves[i - 1], FRAME)).as("gap %d", i).isZero();
        }

        // four jumps of 0.3 frame back: each can only go on to a whole frame, and the fourth
        // would take the frames a frame late: it is left
        long[] early = steady(60);
        for (int jump = 1; jump <= 4; jump++) {
            for (int i = jump * 10; i < 60; i++) {
                early[i] -= 154;
            }
        }
        moves = decodeMoves(early);
        assertThat(moves[10]).as("the first jump taken out").isEqualTo(154);
        assertThat(moves[59]).as("three taken out, the fourth left").isEqualTo(3 * 154);
    }

    @Test
    void framesAfterAJumpTakenOutStayAsTheyAreAtTheSteadyGapsThatFollow() {
        // a jump of just under half a frame, taken out backwards; a later gap a little long, but
        // steady: it is no jump, however near half a frame the moves so far are
        long[] times = steady(40);
        for (int i = 10; i < 40; i++) {
            times[i] += 255;
        }
        for (int i = 25; i < 40; i++) {
            times[i] += 10;
        }

        assertThat(decodeMoves(times)).containsExactly(moves(40, 10, -255));
    }

    @Test
    void aFrameDurationOfWholeTicksThatIsNotTheFramesLeavesSteadyFramesAlone() {
        // 30 fps in milliseconds: 33, 33, 34, with a dropped frame (67) among them
        long[] times = new long[60];
        for (int i = 1; i < 60; i++) {
            times[i] = Math.round(i * 1000.0 / 30) + (i >= 40 ? 33 : 0);
        }

        assertThat(FrameGrid.jumpsOffGrid(times, times, 33).decode()).containsOnly(0L);
    }

    @Test
    void decodeAndPresentationTimesThatJumpedDifferentlyMoveEachByItsOwnJump() {
        long[] decode = steady(20);
        long[] shown = steady(20);
        for (int i = 0; i < 20; i++) {
            shown[i] += FRAME; // one frame of composition offset throughout
            decode[i] += i >= 12 ? 100 : 0;
            shown[i] += i >= 12 ? 200 : 0;
        }

        FrameGrid.Moves moves = FrameGrid.jumpsOffGrid(decode, shown, FRAME);

        assertThat(moves.decode()).containsExactly(moves(20, 12, -100));
        assertThat(moves.shown()).containsExactly(moves(20, 12, -200));
    }

    @Test
    void noFrameIsShownBeforeItIsDecoded() {
        long[] decode = steady(20);
        long[] shown = steady(20);
        for (int i = 12; i < 20; i++) {
            shown[i] += 200; // shown 200 ticks late, decoded on time, no offset to take back
        }
        for (int i = 12; i < 20; i++) {
            decode[i] += 180;
        }
        decode[15] = shown[15]; // this one is shown as soon as it is decoded: it cannot be shown earlier alone

        FrameGrid.Moves moves = FrameGrid.jumpsOffGrid(decode, shown, FRAME);

        for (int i = 0; i < 20; i++) {
            assertThat(shown[i] + moves.shown()[i]).as("sample %d", i).isGreaterThanOrEqualTo(decode[i] + moves.decode()[i]);
        }
    }

    @Test
    void aJumpWithJitterAroundItIsLeftToTheOtherSteps() {
        long[] jittery = steady(20);
        jittery[17] += 40;
        jittery[19] += 117;
        assertThat(decodeMoves(jittery)).containsOnly(0L);
    }

    /** The decode moves of a track shown when it is decoded. */
    private static long[] decodeMoves(long[] times) {
        FrameGrid.Moves moves = FrameGrid.jumpsOffGrid(times, times, FRAME);
        assertThat(moves.shown()).as("shown as decoded").containsExactly(moves.decode());
        return moves.decode();
    }

    /** Times a frame apart from 0. */
    private static long[] steady(int count) {
        long[] times = new long[count];
        for (int i = 0; i < count; i++) {
            times[i] = i * FRAME;
        }
        return times;
    }

    /** {@code count} moves, {@code delta} from sample {@code from} on. */
    private static long[] moves(int count, int from, long delta) {
        long[] moves = new long[count];
        Arrays.fill(moves, from, count, delta);
        return moves;
    }
}
