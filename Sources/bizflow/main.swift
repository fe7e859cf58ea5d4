import BizflowCLI
await BizflowCommand.main()
