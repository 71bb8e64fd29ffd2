routes {}
