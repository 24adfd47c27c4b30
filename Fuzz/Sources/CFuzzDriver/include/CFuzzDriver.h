// Nothing to import: the driver only defines the executable's entry point (see driver.c).
