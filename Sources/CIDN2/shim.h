// libidn2 (IDNA2008 with Unicode TR46 mapping) for international domain names, fenced into
// its own module; Sources/ListWash/Model/IDNA.swift is the one file that imports it.
#include <idn2.h>
