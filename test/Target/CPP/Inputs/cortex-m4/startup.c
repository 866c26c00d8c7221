/* startup.c - minimal Cortex-M4 start-up for the MPS2 AN386 board as QEMU
 * models it (qemu-system-arm -M mps2-an386): vector table, .data/.bss
 * set-up, argv from the semihosting command line, exit status through
 * semihosting. I/O (fopen/fread/fwrite on host files) is newlib's rdimon
 * library, which turns it into semihosting calls. */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[], __stack_top__[];
typedef void (*init_function)(void);
extern init_function __init_array_start[], __init_array_end[];
extern int main(int argc, char **argv);
extern void initialise_monitor_handles(void);

/* SYS_GET_CMDLINE (0x15): the host fills buffer with the command line. */
static int semihostingCall(int operation, void *argument) {
  register int r0 __asm__("r0") = operation;
  register void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static char commandLine[512];
static char *arguments[16];

static int splitCommandLine(void) {
  struct {
    char *buffer;
    int length;
  } block = {commandLine, (int)sizeof commandLine - 1};
  int argc = 0;
  if (semihostingCall(0x15, &block) != 0)
    return 0;
  commandLine[block.length] = 0;
  char *p = commandLine;
  while (*p && argc < 15) {
    while (*p == ' ')
      *p++ = 0;
    if (!*p)
      break;
    arguments[argc++] = p;
    while (*p && *p != ' ')
      ++p;
  }
  arguments[argc] = 0;
  return argc;
}

void Reset_Handler(void) {
  for (uint32_t *from = __data_load__, *to = __data_start__; to < __data_end__;)
    *to++ = *from++;
  for (uint32_t *to = __bss_start__; to < __bss_end__;)
    *to++ = 0;
  /* The generated model has no static constructors; the C library might. */
  for (init_function *f = __init_array_start; f < __init_array_end; ++f)
    (*f)();
  initialise_monitor_handles();
  int argc = splitCommandLine();
  exit(main(argc, arguments));
}

/* Any fault ends the run with a distinctive status. */
void Fault_Handler(void) { exit(99); }

__attribute__((section(".isr_vector"), used)) void (*const vectors[16])(void) = {
    (void (*)(void))__stack_top__, Reset_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, 0, 0, 0, 0,
    Fault_Handler, Fault_Handler, 0, Fault_Handler, Fault_Handler};
