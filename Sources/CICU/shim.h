// Intentionally empty: ICU headers are included only by ICUFacade's .c files.
