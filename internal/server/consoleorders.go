package server

// consoleOrderWords are the words of the console's orders and order page.
var consoleOrderWords = map[string][2]string{}

// consoleOrderStore is what this section needs of the store.
type consoleOrderStore interface{}
