package server

// orderImportWords are the words of the console's order import (受注取込).
var orderImportWords = map[string][2]string{}

// orderImportStore is what this section needs of the store.
type orderImportStore interface{}
