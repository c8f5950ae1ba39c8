from switchboard_contracts.export.cli import main

raise SystemExit(main())
