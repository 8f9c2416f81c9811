/* Record once, replay many (capture.c, Note [Capture]): while a thread
   runs tg_capture_step, every kernel call is recorded on a tape as a thunk
   (a function and a copy of its arguments) and run; tg_capture_replay runs
   the thunks again in order. Included by core.h. */
#ifndef TG_CAPTURE_H
#define TG_CAPTURE_H

/* The tape the calling thread records on; NULL when it records nothing
   (no capture, or one paused while a recorded call runs). */
extern _Thread_local tg_capture *tg__capture_recording;
static inline bool tg__capture_on(void) { return tg__capture_recording != NULL; }

/* A run of one thunk: 0, or -1 with an error (replay stops there). */
typedef int (*tg_thunk_fn)(void *args);
/* Appends a thunk whose arguments are a zeroed block of size bytes, which
   the caller fills and which lives as long as the capture; NULL (the
   capture is then marked failed with TG_E_OOM) when out of memory.
   precheck: run before every other thunk of a replay, so that a replay
   whose new data it refuses writes nothing. */
void *tg__capture_thunk(tg_thunk_fn run, size_t size, bool precheck);
/* Pauses recording (what runs meanwhile is not recorded) and resumes it
   with what tg__capture_pause returned. */
tg_capture *tg__capture_pause(void);
void tg__capture_resume(tg_capture *c);
/* Marks the capture failed: what (a function's name) cannot be replayed,
   because it reads tensors' values on the host or its result's shape
   depends on them. The step runs on; tg_capture_step then fails. */
void tg__capture_refuse(const char *what);

/* A tensor as a thunk keeps it: its struct copied, its storage held by the
   capture (a 0-dim operand on the stack, copied with its value). NULL leaves dst as it is (zero in a thunk's arguments). */
typedef struct tg_captured {
    tg_tensor t;
    tg_storage own;        /* a stack scalar's storage, over bytes */
    max_align_t bytes;
} tg_captured;
void tg__capture_tensor(tg_captured *dst, const tg_tensor *src);
/* Storage s, made while recording, is held by the capture (tensor.c). */
void tg__capture_keep(tg_storage *s);
/* Whether s was made while recording (else it is the user's: a parameter,
   a static input). */
bool tg__capture_owns(const tg_storage *s);
/* t's bytes were written on the host (creation from data, ranges): a
   replay writes them again, from a copy taken now. */
void tg__capture_written(const tg_tensor *t);
/* Drops one storage reference (tensor.c). */
void tg__storage_release(tg_storage *s);

#endif
