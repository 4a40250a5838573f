package server

// dashboardWords are the console dashboard's words.
var dashboardWords = map[string][2]string{}

// dashboardStore is what this section needs of the store.
type dashboardStore interface{}
