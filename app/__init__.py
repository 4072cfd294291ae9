"""The application: main window, session state, controllers, workers, persistence, command line."""
