// libxml2's streaming reader, fenced into its own module.
// xmlversion.h switches on ICU support, whose headers clash with Foundation's own ICU module;
// listwash needs none of it, so the switch is turned off before the other headers are read.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
