/* main.c - vessel-vmm entry point (command line in DESIGN.md). */
#include "config.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--version")) {
            printf("vessel-vmm %s\n", PACKAGE_VERSION);
            return 0;
        }
    }
    fprintf(stderr, "vessel-vmm: no machine model yet\n");
    return 1;
}
