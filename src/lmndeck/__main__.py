from lmndeck.cli import main

main()
