package server

// adminWords are the words of the console's administration sections.
var adminWords = map[string][2]string{}

// adminStore is what this section needs of the store.
type adminStore interface{}
